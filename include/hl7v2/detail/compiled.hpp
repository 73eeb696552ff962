#pragma once
// Compiled mode (HL7V2_DEFINITIONS_COMPILED, set by the hl7v2::definitions target and its pkg-config
// file): besides the definitions tables, the library compiles the converter's walk and emitters once, so a
// user's translation unit only declares them and generates no code for them. Header-only (the default):
// the same bodies are inline in the headers. HL7V2_DEFINE_BODIES says whether this translation unit
// defines them; HL7V2_COMPILED_INLINE marks them `inline` unless the library defines them.
#if !defined(HL7V2_DEFINITIONS_COMPILED) || defined(HL7V2_DEFINITIONS_IMPLEMENTATION)
#define HL7V2_DEFINE_BODIES 1
#else
#define HL7V2_DEFINE_BODIES 0
#endif
#if defined(HL7V2_DEFINITIONS_IMPLEMENTATION)
#define HL7V2_COMPILED_INLINE
#else
#define HL7V2_COMPILED_INLINE inline
#endif
