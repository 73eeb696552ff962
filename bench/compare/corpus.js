// Reads a corpus file and splits it into messages the same way for every peer (python_hl7.py does the
// same in Python; bench/README.md documents the rule):
//   - MLLP: if the file starts with 0x0B, each message is the text between 0x0B and the next 0x1C;
//   - otherwise a message starts at "MSH|" at the start of the file or right after a CR or LF, and
//     keeps its own terminators.
// Bytes are decoded as Latin-1 (one character per byte, lossless), so no peer pays for or trips over
// UTF-8 decoding. Segment terminators are normalized to CR because several peers split on CR only;
// hl7v2-bench reads the raw bytes. None of this is timed.
'use strict';
const fs = require('fs');

function splitMessages(text) {
  if (text.charCodeAt(0) === 0x0b) {
    const out = [];
    let pos = 0;
    while (pos < text.length) {
      const start = text.indexOf('\x0b', pos);
      if (start < 0) break;
      let end = text.indexOf('\x1c', start + 1);
      if (end < 0) end = text.length;
      out.push(text.slice(start + 1, end));
      pos = end + 1;
    }
    return out;
  }
  return text.split(/(?<=[\r\n])(?=MSH\|)/).filter((m) => m.trim() !== '');
}

function loadCorpus(path) {
  const bytes = fs.readFileSync(path);
  const messages = splitMessages(bytes.toString('latin1')).map((m) => m.replace(/\r\n|\n/g, '\r'));
  return { bytes: bytes.length, messages };
}

module.exports = { loadCorpus, splitMessages };
