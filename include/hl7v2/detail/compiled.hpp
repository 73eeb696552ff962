#pragma once
// Compiled mode (HL7V2_DEFINITIONS_COMPILED, set by the hl7v2::definitions target and its pkg-config
// file): besides the definitions tables, the library compiles once the converter's walk and emitters, the
// JSON reader (er7_from_json) and the profile loader, so a user's translation unit only declares them: it
// generates no code for them and never parses simdjson.h. Header-only (the default): the same bodies are
// inline in the headers. HL7V2_DEFINE_BODIES says whether this translation unit defines them;
// HL7V2_COMPILED_INLINE is `inline` in header-only mode and nothing in compiled mode (declarations and
// the library's definitions alike).
#if !defined(HL7V2_DEFINITIONS_COMPILED) || defined(HL7V2_DEFINITIONS_IMPLEMENTATION)
#define HL7V2_DEFINE_BODIES 1
#else
#define HL7V2_DEFINE_BODIES 0
#endif
#if defined(HL7V2_DEFINITIONS_COMPILED) || defined(HL7V2_DEFINITIONS_IMPLEMENTATION)
#define HL7V2_COMPILED_INLINE
#else
#define HL7V2_COMPILED_INLINE inline
#endif
