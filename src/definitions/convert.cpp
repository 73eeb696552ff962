// The hl7v2::definitions library (compiled mode, detail/compiled.hpp): the converter's walk and emitters,
// compiled once here instead of in every user's translation unit.
#define HL7V2_DEFINITIONS_IMPLEMENTATION
#include "hl7v2/json/convert.hpp"
