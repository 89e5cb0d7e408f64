module.exports = globalThis.__hunkguardTreeSitter.Python;
