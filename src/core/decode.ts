/**
 * File bytes → Python source text, as CPython reads them (PEP 263, `tokenize.detect_encoding`): a
 * UTF-8 BOM means UTF-8; else a coding cookie (`# -*- coding: latin-1 -*-`) on line 1, or on
 * line 2 when line 1 is blank or a comment, names the encoding; else UTF-8. A file that is valid
 * Python in its declared encoding is decoded and analysed; one that is not (bytes the encoding
 * cannot decode, an unknown encoding, a BOM with a cookie for another encoding) is not Python
 * CPython would run — it is skipped with the reason, and counts as not analysed.
 */

export type Decoded = { text: string; encoding: string } | { skip: string };

/** Python codec (its module name) → the WHATWG label Node's TextDecoder knows it by. */
const CODECS: Record<string, string> = {
  utf_8: "utf-8", utf_8_sig: "utf-8", latin_1: "latin1", ascii: "ascii",
  cp1250: "windows-1250", cp1251: "windows-1251", cp1252: "windows-1252", cp1253: "windows-1253", cp1254: "windows-1254",
  cp1255: "windows-1255", cp1256: "windows-1256", cp1257: "windows-1257", cp1258: "windows-1258",
  iso8859_2: "iso-8859-2", iso8859_3: "iso-8859-3", iso8859_4: "iso-8859-4", iso8859_5: "iso-8859-5", iso8859_6: "iso-8859-6",
  iso8859_7: "iso-8859-7", iso8859_8: "iso-8859-8", iso8859_10: "iso-8859-10", iso8859_13: "iso-8859-13", iso8859_14: "iso-8859-14",
  iso8859_15: "iso-8859-15", iso8859_16: "iso-8859-16",
  koi8_r: "koi8-r", koi8_u: "koi8-u", cp866: "ibm866", mac_roman: "macintosh", mac_cyrillic: "x-mac-cyrillic", cp874: "windows-874",
  shift_jis: "shift_jis", cp932: "shift_jis", euc_jp: "euc-jp", iso2022_jp: "iso-2022-jp", gbk: "gbk", gb2312: "gbk", gb18030: "gb18030",
  big5: "big5", euc_kr: "euc-kr", cp949: "euc-kr",
};

/** Python's aliases (`encodings.aliases`) for the codecs above. */
const ALIASES: Record<string, string> = {
  "1250": "cp1250", "1251": "cp1251", "1252": "cp1252", "1253": "cp1253", "1254": "cp1254", "1255": "cp1255", "1256": "cp1256",
  "1257": "cp1257", "1258": "cp1258", "646": "ascii", "866": "cp866", "8859": "latin_1", "932": "cp932", "936": "gbk", "949": "cp949",
  "ansi_x3.4_1968": "ascii", "ansi_x3.4_1986": "ascii", ansi_x3_4_1968: "ascii", arabic: "iso8859_6", asmo_708: "iso8859_6",
  big5_tw: "big5", chinese: "gb2312", cp367: "ascii", cp65001: "utf_8", cp819: "latin_1", cp936: "gbk", csascii: "ascii",
  csbig5: "big5", csibm866: "cp866", csiso2022jp: "iso2022_jp", csiso58gb231280: "gb2312", csisolatin1: "latin_1",
  csisolatin2: "iso8859_2", csisolatin3: "iso8859_3", csisolatin4: "iso8859_4", csisolatin6: "iso8859_10",
  csisolatinarabic: "iso8859_6", csisolatincyrillic: "iso8859_5", csisolatingreek: "iso8859_7", csisolatinhebrew: "iso8859_8",
  cskoi8r: "koi8_r", csshiftjis: "shift_jis", cyrillic: "iso8859_5", ecma_114: "iso8859_6", ecma_118: "iso8859_7",
  elot_928: "iso8859_7", euc_cn: "gb2312", euccn: "gb2312", eucgb2312_cn: "gb2312", eucjp: "euc_jp", euckr: "euc_kr",
  gb18030_2000: "gb18030", gb2312_1980: "gb2312", gb2312_80: "gb2312", greek: "iso8859_7", greek8: "iso8859_7",
  hebrew: "iso8859_8", ibm367: "ascii", ibm819: "latin_1", ibm866: "cp866", iso2022jp: "iso2022_jp", iso646_us: "ascii",
  iso8859: "latin_1", iso8859_1: "latin_1", iso_2022_jp: "iso2022_jp", "iso_646.irv_1991": "ascii", iso_8859_1: "latin_1",
  iso_8859_10: "iso8859_10", iso_8859_10_1992: "iso8859_10", iso_8859_13: "iso8859_13", iso_8859_14: "iso8859_14",
  iso_8859_14_1998: "iso8859_14", iso_8859_15: "iso8859_15", iso_8859_16: "iso8859_16", iso_8859_16_2001: "iso8859_16",
  iso_8859_1_1987: "latin_1", iso_8859_2: "iso8859_2", iso_8859_2_1987: "iso8859_2", iso_8859_3: "iso8859_3",
  iso_8859_3_1988: "iso8859_3", iso_8859_4: "iso8859_4", iso_8859_4_1988: "iso8859_4", iso_8859_5: "iso8859_5",
  iso_8859_5_1988: "iso8859_5", iso_8859_6: "iso8859_6", iso_8859_6_1987: "iso8859_6", iso_8859_7: "iso8859_7",
  iso_8859_7_1987: "iso8859_7", iso_8859_8: "iso8859_8", iso_8859_8_1988: "iso8859_8", iso_celtic: "iso8859_14",
  iso_ir_100: "latin_1", iso_ir_101: "iso8859_2", iso_ir_109: "iso8859_3", iso_ir_110: "iso8859_4", iso_ir_126: "iso8859_7",
  iso_ir_127: "iso8859_6", iso_ir_138: "iso8859_8", iso_ir_144: "iso8859_5", iso_ir_157: "iso8859_10", iso_ir_199: "iso8859_14",
  iso_ir_226: "iso8859_16", iso_ir_58: "gb2312", iso_ir_6: "ascii", korean: "euc_kr", ks_c_5601: "euc_kr", ks_c_5601_1987: "euc_kr",
  ks_x_1001: "euc_kr", ksc5601: "euc_kr", ksx1001: "euc_kr", l1: "latin_1", l10: "iso8859_16", l2: "iso8859_2", l3: "iso8859_3",
  l4: "iso8859_4", l6: "iso8859_10", l7: "iso8859_13", l8: "iso8859_14", l9: "iso8859_15", latin: "latin_1", latin1: "latin_1",
  latin10: "iso8859_16", latin2: "iso8859_2", latin3: "iso8859_3", latin4: "iso8859_4", latin6: "iso8859_10", latin7: "iso8859_13",
  latin8: "iso8859_14", latin9: "iso8859_15", maccyrillic: "mac_cyrillic", macintosh: "mac_roman", macroman: "mac_roman",
  ms932: "cp932", ms936: "gbk", ms949: "cp949", ms_kanji: "cp932", mskanji: "cp932", s_jis: "shift_jis", shiftjis: "shift_jis",
  sjis: "shift_jis", u8: "utf_8", u_jis: "euc_jp", uhc: "cp949", ujis: "euc_jp", us: "ascii", us_ascii: "ascii", utf: "utf_8",
  utf8: "utf_8", utf8_ucs2: "utf_8", utf8_ucs4: "utf_8", windows_1250: "cp1250", windows_1251: "cp1251", windows_1252: "cp1252",
  windows_1253: "cp1253", windows_1254: "cp1254", windows_1255: "cp1255", windows_1256: "cp1256", windows_1257: "cp1257",
  windows_1258: "cp1258", x_mac_japanese: "shift_jis", x_mac_korean: "euc_kr", x_mac_simp_chinese: "gb2312",
  x_mac_trad_chinese: "big5",
};

const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
const BLANK_OR_COMMENT = /^[ \t\f]*(?:[#\r\n]|$)/;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** bytes as code points 0-255 (WHATWG's "latin1" is windows-1252, which differs only in 0x80-0x9F: fine for finding ASCII) */
const latin1 = new TextDecoder("latin1");

/** `tokenize._get_normal_name`: the spellings of UTF-8 and Latin-1 Python settles before the lookup. */
function normalName(name: string): string {
  const enc = name.slice(0, 12).toLowerCase().replace(/_/g, "-");
  if (enc === "utf-8" || enc.startsWith("utf-8-")) return "utf-8";
  if (["latin-1", "iso-8859-1", "iso-latin-1"].includes(enc) || ["latin-1-", "iso-8859-1-", "iso-latin-1-"].some((p) => enc.startsWith(p))) return "iso-8859-1";
  return name;
}

/** `codecs.lookup`: the codec's module name for an encoding name, or null when Python knows none HunkGuard can decode. */
export function pythonCodec(name: string): string | null {
  // encodings.normalize_encoding: runs of punctuation (but '.') become one '_'
  const norm = name.toLowerCase().replace(/[^a-z0-9.]+/g, "_").replace(/^_+|_+$/g, "");
  const codec = ALIASES[norm] ?? ALIASES[norm.replace(/\./g, "_")] ?? norm;
  return codec in CODECS ? codec : null;
}

/** The coding cookie of one line, or null; a cookie on a line that is not valid UTF-8 cannot be read (Python refuses the file). */
function cookieOf(line: Uint8Array): string | null | { invalid: true } {
  const m = COOKIE.exec(latin1.decode(line));
  if (!m) return null;
  try {
    utf8.decode(line);
  } catch {
    return { invalid: true };
  }
  return m[1];
}

function lineAt(bytes: Uint8Array, from: number): Uint8Array {
  const nl = bytes.indexOf(0x0a, from);
  return bytes.subarray(from, nl < 0 ? bytes.length : nl + 1);
}

/** Decode `bytes` in `codec` (strict, as Python's tokenizer is), or say why not. */
function decodeAs(bytes: Uint8Array, codec: string, declared: string): Decoded {
  const label = CODECS[codec];
  if (label === "latin1") {
    // true ISO-8859-1 (WHATWG's "latin1" label means windows-1252): each byte is its code point
    let text = "";
    for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
    return { text, encoding: "iso-8859-1" };
  }
  if (label === "ascii") {
    const bad = bytes.findIndex((b) => b > 0x7f);
    if (bad >= 0) return { skip: `not valid ${declared} (the encoding its coding cookie declares): byte 0x${bytes[bad].toString(16)} at offset ${bad}` };
    return { text: utf8.decode(bytes), encoding: "ascii" };
  }
  try {
    return { text: new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes), encoding: label };
  } catch {
    return { skip: label === "utf-8" ? "not valid UTF-8" : `not valid ${declared} (the encoding its coding cookie declares)` };
  }
}

/**
 * Python source bytes → text (BOM dropped), or why the file cannot be read as Python. NUL bytes
 * make it binary (CPython refuses them in source).
 */
export function decodePythonSource(bytes: Uint8Array): Decoded {
  if (bytes.includes(0)) return { skip: "binary file (NUL bytes)" };
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const first = lineAt(body, 0);
  let cookie = cookieOf(first);
  if (cookie === null && BLANK_OR_COMMENT.test(latin1.decode(first.subarray(0, 64)))) {
    cookie = cookieOf(lineAt(body, first.length));
  }
  if (cookie !== null && typeof cookie === "object") return { skip: "a coding declaration line that is not valid UTF-8" };
  if (cookie === null) return decodeAs(body, "utf_8", "UTF-8");
  const declared = normalName(cookie);
  const codec = pythonCodec(declared);
  if (!codec) return { skip: `its coding cookie declares \`${cookie.slice(0, 40)}\`, an encoding HunkGuard cannot decode` };
  if (bom && codec !== "utf_8" && codec !== "utf_8_sig") return { skip: `a UTF-8 BOM with a coding cookie for \`${cookie.slice(0, 40)}\` (Python refuses the file)` };
  return decodeAs(body, codec, cookie.slice(0, 40));
}

/** Whether a text already decoded (by GitHub, as UTF-8) declares another encoding: its bytes must be read instead. */
export function declaresOtherEncoding(text: string): boolean {
  const lines = text.slice(0, 2048).split("\n", 2);
  let m = COOKIE.exec(lines[0].replace(/^\uFEFF/, ""));
  if (!m && lines.length > 1 && BLANK_OR_COMMENT.test(lines[0].replace(/^\uFEFF/, ""))) m = COOKIE.exec(lines[1]);
  if (!m) return false;
  const codec = pythonCodec(normalName(m[1]));
  return codec !== "utf_8" && codec !== "utf_8_sig";
}

export type DecodedSource = { text: string } | { skip: string };

/** Bytes → text as Python reads them (BOM, PEP 263 coding cookie, else UTF-8), or why the file is skipped. */
export function decodeSource(bytes: Uint8Array): DecodedSource {
  const decoded = decodePythonSource(bytes);
  return "skip" in decoded ? { skip: decoded.skip } : { text: decoded.text };
}
