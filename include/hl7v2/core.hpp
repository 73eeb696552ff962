// The tokenizer alone: framing, parsing, the message tree, paths, escapes, character sets and the
// ER7 writer. No definitions tables, so it compiles in a fraction of a second.
#pragma once

#include "hl7v2/charset.hpp"
#include "hl7v2/delimiters.hpp"
#include "hl7v2/er7_writer.hpp"
#include "hl7v2/error.hpp"
#include "hl7v2/escape.hpp"
#include "hl7v2/framer.hpp"
#include "hl7v2/message.hpp"
#include "hl7v2/parser.hpp"
#include "hl7v2/path.hpp"
