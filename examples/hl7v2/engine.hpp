// The library pieces the CLI drives: framer, parser, JSON converter and, when present, the JSON → ER7
// reader.
#pragma once

#include "hl7v2/defs/all.hpp"
#include "hl7v2/framer.hpp"
#include "hl7v2/json/convert.hpp"
#include "hl7v2/json/sink.hpp"
#include "hl7v2/json/writer.hpp"
#include "hl7v2/parser.hpp"

#if __has_include("hl7v2/json/reader.hpp")
#include "hl7v2/json/reader.hpp"
#define HL7V2_CLI_HAS_JSON_READER 1
#endif
