// Everything a user needs: the tokenizer (core.hpp), the definitions of every HL7 version from 2.1 to
// 2.8 with run-time profiles, the JSON converters both ways, and validation with ACKs.
// Programs that need less can include less: hl7v2/core.hpp for the tokenizer only, or one version's
// definitions (hl7v2/defs/v2_5_1.hpp) to pay only for that version.
#pragma once

#define HL7V2_VERSION_MAJOR 0
#define HL7V2_VERSION_MINOR 1
#define HL7V2_VERSION_PATCH 0

#include "hl7v2/core.hpp"
#include "hl7v2/defs/all.hpp"
#include "hl7v2/defs/profile.hpp"
#include "hl7v2/json/convert.hpp"
#include "hl7v2/json/reader.hpp"
#include "hl7v2/validate/ack.hpp"
#include "hl7v2/validate/validate.hpp"
