// The hl7v2::definitions library (compiled mode, defs/types.hpp): the one definition of HL7 v2.8.
#define HL7V2_DEFINITIONS_IMPLEMENTATION
#include "hl7v2/defs/v2_8.hpp"
