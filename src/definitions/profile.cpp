// The hl7v2::definitions library (compiled mode, detail/compiled.hpp): the profile loader (profile::load),
// compiled once here, so that users' translation units never parse simdjson.h.
#define HL7V2_DEFINITIONS_IMPLEMENTATION
#include "hl7v2/defs/profile.hpp"
