/**
 * The programs some tests need (README, "Development"): without one, those tests fail with a message
 * that names it and says how to install it — they never skip, so CI cannot pass without running them.
 */
import { startLocalRedis } from "../src/redis/local-server.js";
import { pyCompileAll } from "./support/python.js";

test("no redis-server: the Redis-backed tests fail naming the program and its Debian package", async () => {
  await expect(startLocalRedis("redis-server-not-installed")).rejects.toThrow(
    "redis-server-not-installed is not installed (not found on PATH): the Redis-backed mode's tests and load run start their own. Install Debian's redis-server package (apt-get install redis-server), or set REDIS_SERVER to its path.",
  );
});

test("no python3: the tests that compile fixes fail naming the program", () => {
  expect(() => pyCompileAll([{ name: "x", code: "x = 1\n" }], "python3-not-installed")).toThrow(
    "python3-not-installed is not installed (not found on PATH): the tests compile every fix they produce with CPython. Install python3 (Debian: apt-get install python3), or set PYTHON to its path.",
  );
  expect(pyCompileAll([{ name: "ok", code: "x = 1\n" }, { name: "bad", code: "x = (\n" }])).toHaveLength(1);
});
