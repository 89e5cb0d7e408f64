module.exports = globalThis.__hunkguardTreeSitter.Parser;
