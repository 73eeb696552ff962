// Spot checks of the generated definitions against the HL7 v2 standard, several segments per
// version, and static_asserts proving the lookups work in constant expressions.
#include <catch2/catch_test_macros.hpp>

#include <string_view>
#include <utility>

#include "hl7v2/defs/all.hpp"

using namespace hl7v2::defs;
using namespace std::string_view_literals;

namespace {

constexpr const field_def& field(const version_def& v, std::string_view seg, std::size_t pos) {
  return *v.segment(seg)->field(pos);
}

/// Depth-first search for a group or segment node by id.
constexpr const structure_node* find_node(std::span<const structure_node> nodes, std::string_view id) {
  for (const auto& n : nodes) {
    if (n.id == id) return &n;
    if (const auto* inner = find_node(n.children(), id)) return inner;
  }
  return nullptr;
}

}  // namespace

// ---- constant expressions --------------------------------------------------------------------
static_assert(v2_5_1.id == "2.5.1");
static_assert(v2_5_1.segment("PID") != nullptr);
static_assert(v2_5_1.segment("ZPI") == nullptr);
static_assert(v2_5_1.segment("PID")->field(5)->type->id == "XPN");
static_assert(v2_5_1.segment("PID")->field(5)->repeats());
static_assert(v2_5_1.segment("PID")->field(0) == nullptr);
static_assert(v2_5_1.type("XPN")->component(1)->key() == "family_name");
static_assert(v2_5_1.type("XPN")->component(99) == nullptr);
static_assert(v2_5_1.type("ST")->is_primitive());
static_assert(v2_5_1.structure_for("ADT", "A04") == v2_5_1.structure("ADT_A01"));
static_assert(v2_5_1.table(1)->contains("F"));
static_assert(v2_5_1.table(1)->contains("not a code") == false);
static_assert(v2_3.segment("MSH")->field(10)->key() == "message_control_id");
static_assert(v2_5_1.segment("PID")->field(5)->name() == "Patient Name");
static_assert(v2_5_1.segment("PID")->field(5)->key_token() == "\"patient_name\":");
static_assert(v2_5_1.type("XPN")->component(1)->key_token() == "\"family_name\":");

TEST_CASE("every version is complete and sorted for binary search", "[defs]") {
  for (const version_def* v : all_versions()) {
    INFO("version " << v->id);
    CHECK(v->segments().size() > 30);
    CHECK(v->types().size() > 10);
    CHECK(v->structures().size() > 30);
    for (const auto& entry : v->segments()) {
      CHECK(v->segment(entry.def->id) == entry.def);  // every segment findable by its id
      for (std::size_t i = 0; i < entry.def->fields().size(); ++i) {
        const field_def& f = entry.def->fields()[i];
        CHECK(f.position == i + 1);
        CHECK(f.type != nullptr);
        CHECK(!f.key().empty());
        CHECK(f.key_token() == "\"" + std::string(f.key()) + "\":");  // the emitters copy it whole
      }
    }
    for (const type_def* t : v->types()) CHECK(v->type(t->id) == t);
    for (const structure_def* s : v->structures()) CHECK(v->structure(s->id) == s);
    for (const table_def* t : v->tables()) CHECK(v->table(t->number) == t);
    CHECK(v->segment("MSH")->field(10)->key() == "message_control_id");
  }
}

TEST_CASE("v2.1", "[defs]") {
  CHECK(v2_1.segment("PD1") == nullptr);  // PD1 arrived in 2.3
  CHECK(v2_1.segment("EVN") != nullptr);
  CHECK(field(v2_1, "PID", 5).type->id == "PN");
  CHECK(field(v2_1, "PID", 3).opt == optionality::required);
  CHECK(field(v2_1, "PID", 1).key() == "set_id_patient_id");
  CHECK(field(v2_1, "MSH", 9).type->id.starts_with("CM"));
}

TEST_CASE("v2.2", "[defs]") {
  CHECK(v2_2.segment("PD1") == nullptr);
  // hl7apy and nHapi give the standard's names; npm called both "Patient ID".
  CHECK(field(v2_2, "PID", 2).key() == "patient_id_external_id");
  CHECK(field(v2_2, "PID", 3).key() == "patient_id_internal_id");
  CHECK(field(v2_2, "PID", 5).type->id == "PN");
}

TEST_CASE("v2.3 keys used by the data-lake tutorial", "[defs]") {
  CHECK(field(v2_3, "MSH", 10).key() == "message_control_id");
  CHECK(field(v2_3, "PID", 1).key() == "set_id_patient_id");
  const field_def& name = field(v2_3, "PID", 5);
  CHECK(name.key() == "patient_name");
  REQUIRE(name.type->id == "XPN");
  CHECK(name.type->component(1)->key() == "family_name");
  CHECK(name.type->component(2)->key() == "given_name");
  // The standard's names for PID-2 and PID-3 (hl7apy and nHapi; npm called both "Patient ID").
  CHECK(field(v2_3, "PID", 2).name() == "Patient ID (External ID)");
  CHECK(field(v2_3, "PID", 2).key() == "patient_id_external_id");
  CHECK(field(v2_3, "PID", 3).key() == "patient_id_internal_id");
  CHECK(field(v2_3, "PID", 3).repeats());
  CHECK(field(v2_3, "PID", 3).max_repeats == 0);
  CHECK(field(v2_3, "MSH", 9).type->id.starts_with("CM"));  // a CM composite in 2.3
  CHECK(field(v2_3, "PV1", 3).type->id == "PL");
  CHECK(field(v2_3, "OBX", 5).type->id == "VARIES");
  CHECK(v2_3.segment("PD1") != nullptr);
}

TEST_CASE("v2.3.1 and v2.4", "[defs]") {
  CHECK(field(v2_3_1, "PID", 3).key() == "patient_identifier_list");
  CHECK(field(v2_3_1, "MSH", 12).type->id == "VID");
  CHECK(v2_4.segment("SFT") == nullptr);  // SFT arrived in 2.5
  CHECK(field(v2_4, "PID", 5).repeats());
  CHECK(field(v2_4, "MSH", 9).type->id == "MSG");
  CHECK(field(v2_4, "MSH", 9).type->component(2)->key() == "trigger_event");
}

TEST_CASE("v2.5 and v2.5.1", "[defs]") {
  CHECK(v2_5.segment("SFT") != nullptr);
  const field_def& name = field(v2_5_1, "PID", 5);
  CHECK(name.type->id == "XPN");
  CHECK(name.opt == optionality::required);
  CHECK(name.max_repeats == 0);
  CHECK(field(v2_5_1, "MSH", 9).type->id == "MSG");
  CHECK(field(v2_5_1, "MSH", 7).type->id == "TS");
  CHECK(field(v2_5_1, "OBX", 5).type->id == "VARIES");
  CHECK(field(v2_5_1, "PV1", 3).type->id == "PL");
  CHECK(field(v2_5_1, "PID", 8).table == 1);
  CHECK(field(v2_5_1, "PID", 3).type->id == "CX");
  const type_def* cx = v2_5_1.type("CX");
  REQUIRE(cx != nullptr);
  CHECK(cx->component(1)->key() == "id_number");
  CHECK(cx->component(4)->type->id == "HD");  // assigning authority: a composite → subcomponents
  CHECK(!cx->component(4)->type->is_primitive());
  const table_def* sex = v2_5_1.table(1);
  REQUIRE(sex != nullptr);
  CHECK(sex->contains("F"));
  CHECK(sex->contains("M"));
  CHECK(sex->name_of("F") == "Female");
  CHECK(sex->name_of("M") == "Male");
  CHECK(sex->name_of("not a code").empty());
  REQUIRE(sex->size() >= 2);
  CHECK(sex->value(sex->index_of("F")).code == "F");
}

// A table's values are one text and offsets (types.hpp): every value must read back whole, codes
// strictly ascending (the binary search relies on it), and every code found at its own position.
TEST_CASE("every table's values read back from its text", "[defs]") {
  std::size_t values = 0;
  for (const version_def* v : all_versions()) {
    INFO(v->id);
    for (const table_def* t : v->tables()) {
      INFO(t->number);
      for (std::size_t i = 0; i < t->size(); ++i) {
        const table_value x = t->value(i);
        if (i > 0) CHECK(t->code(i - 1) < x.code);
        CHECK(t->index_of(x.code) == i);
        CHECK(x.name.data() == x.code.data() + x.code.size());  // back to back in one text
        ++values;
      }
      CHECK(t->index_of("\xff not a code") == t->size());
    }
  }
  CHECK(values > 10000);
}

TEST_CASE("v2.6 to v2.8", "[defs]") {
  CHECK(field(v2_7, "MSH", 7).type->id == "DTM");
  CHECK(v2_7.segment("PRT") != nullptr);  // participation, new in 2.7
  CHECK(v2_6.segment("PRT") == nullptr);
  // EVN-1 was B in 2.5/2.6 and is withdrawn in 2.7 (hl7apy: WD; npm: B with a placeholder ST); it
  // keeps 2.6's type, ID with table 0003.
  CHECK(field(v2_7, "EVN", 1).opt == optionality::withdrawn);
  CHECK(field(v2_7, "EVN", 1).type->id == "ID");
  CHECK(field(v2_7, "EVN", 1).table == 3);
  CHECK(field(v2_7_1, "OBX", 5).type->id == "VARIES");  // npm says ST; nHapi and 2.8 say varies
  CHECK(field(v2_8, "PID", 5).type->id == "XPN");
  CHECK(field(v2_8, "MSH", 10).max_length == 199);
}

TEST_CASE("trigger events map to message structures", "[defs]") {
  for (const version_def* v : {&v2_3_1, &v2_4, &v2_5, &v2_5_1, &v2_6, &v2_7, &v2_8}) {
    INFO("version " << v->id);
    REQUIRE(v->structure_for("ADT", "A04") != nullptr);
    CHECK(v->structure_for("ADT", "A04")->id == "ADT_A01");
    CHECK(v->structure_for("ADT", "A08")->id == "ADT_A01");
    CHECK(v->structure_for("ORU", "R01")->id == "ORU_R01");
    CHECK(v->structure_for("ACK", "A01")->id == "ACK");  // ACK^<event> → the ACK structure
    CHECK(v->structure_for("ZZZ", "Z99") == nullptr);
  }
  CHECK(v2_5_1.structure("ADT_A04") == nullptr);  // shared, not a structure of its own
}

TEST_CASE("ORU_R01 groups in v2.5.1", "[defs]") {
  const structure_def* oru = v2_5_1.structure("ORU_R01");
  REQUIRE(oru != nullptr);
  REQUIRE(oru->children().size() >= 3);
  CHECK(oru->children()[0].id == "MSH");
  CHECK(oru->children()[0].kind == node_kind::segment);
  const structure_node* patient_result = find_node(oru->children(), "PATIENT_RESULT");
  REQUIRE(patient_result != nullptr);
  CHECK(patient_result->is_group());
  CHECK(patient_result->min == 1);
  CHECK(patient_result->max == 0);
  const structure_node* order = find_node(patient_result->children(), "ORDER_OBSERVATION");
  REQUIRE(order != nullptr);
  const structure_node* observation = find_node(order->children(), "OBSERVATION");
  REQUIRE(observation != nullptr);
  REQUIRE(!observation->children().empty());
  CHECK(observation->children()[0].id == "OBX");
  CHECK(observation->children()[0].required());
  // NTE occurs at several levels; the source keeps each occurrence.
  CHECK(find_node(order->children(), "NTE") != nullptr);
}

// npm put OBX-2's table number (0125) into its repetition column in 2.5.1; hl7apy and nHapi say it
// does not repeat. A value type that "repeats" would make every emitted OBX-2 an array.
static_assert(!hl7v2::defs::v2_5_1.segment("OBX")->field(2)->repeats());
static_assert(!hl7v2::defs::v2_4.segment("OBX")->field(2)->repeats());

// In 2.3, ORC-7 and OBR-27 (Quantity/Timing) are optional, as in 2.3.1 and 2.4 (OBR-27 by the
// continuity rule, ORC-7 by overrides.json); required made every 2.3 order without a TQ fail.
static_assert(hl7v2::defs::v2_3.segment("ORC")->field(7)->opt == hl7v2::defs::optionality::optional);
static_assert(hl7v2::defs::v2_3.segment("OBR")->field(27)->opt == hl7v2::defs::optionality::optional);

// ---- facts the dictionaries had wrong (issue 10), now reconciled with hl7apy and nHapi ----------
TEST_CASE("2.3 and 2.3.1 repetition and optionality", "[defs][reconciled]") {
  // HL7 2.3 made these repeat (npm and hl7apy carried 2.2's single values; nHapi and 2.3.1 agree).
  for (const auto& [seg, pos] : {std::pair{"PID", 4},
                                 {"PID", 5},
                                 {"PID", 21},
                                 {"PV1", 7},
                                 {"PV1", 8},
                                 {"PV1", 17},
                                 {"IN1", 3},
                                 {"IN1", 4},
                                 {"IN2", 1},
                                 {"NK1", 19}}) {
    INFO(seg << "-" << pos);
    CHECK(field(v2_3, seg, static_cast<std::size_t>(pos)).max_repeats == 0);
  }
  CHECK(field(v2_3, "OBR", 2).max_repeats == 1);                // placer order number: one
  CHECK(field(v2_3_1, "OBX", 4).opt == optionality::optional);  // was required: 78 false errors
  CHECK(field(v2_3_1, "OBX", 2).opt == optionality::optional);
  CHECK(field(v2_3_1, "PID", 3).opt == optionality::required);
}

TEST_CASE("2.4 OBX-8 to OBX-10 repetition is not shifted by one field", "[defs][reconciled]") {
  CHECK(field(v2_4, "OBX", 8).max_repeats == 5);   // Abnormal Flags: Y/5
  CHECK(field(v2_4, "OBX", 9).max_repeats == 1);   // Probability
  CHECK(field(v2_4, "OBX", 10).max_repeats == 0);  // Nature of Abnormal Test: Y
  CHECK(field(v2_5, "OBX", 8).repeats());
  CHECK(!field(v2_5, "OBX", 9).repeats());
}

TEST_CASE("withdrawn fields keep the shape they last carried data in", "[defs][reconciled]") {
  for (const version_def* v : {&v2_7, &v2_7_1, &v2_8}) {
    INFO(v->id);
    for (const auto& [seg, pos] : {std::pair{"PID", 2},
                                   {"PID", 4},
                                   {"PID", 9},
                                   {"PID", 20},
                                   {"PID", 28},
                                   {"PD1", 4},
                                   {"PR1", 8},
                                   {"PR1", 11},
                                   {"PR1", 12}}) {
      INFO(seg << "-" << pos);
      const field_def& f = field(*v, seg, static_cast<std::size_t>(pos));
      const field_def& last = field(v2_6, seg, static_cast<std::size_t>(pos));
      CHECK(f.opt == optionality::withdrawn);
      CHECK(f.type->id == last.type->id);
      CHECK(f.type->components().size() == last.type->components().size());
      CHECK(f.max_repeats == last.max_repeats);
    }
    // 2.7 PID-2 is the CX of 2.6 (10 components), not 2.7's CX (12) and not a string.
    const type_def* cx = field(*v, "PID", 2).type;
    CHECK(cx == field(v2_6, "PID", 2).type);
    CHECK(cx->components().size() == 10);
    CHECK(v->type("CX")->components().size() == 12);
    CHECK(field(*v, "PID", 3).opt == optionality::required);
  }
  CHECK(field(v2_6, "PID", 2).opt == optionality::optional);
}

TEST_CASE("2.8 is 2.8, not a copy of 2.7.1", "[defs][reconciled]") {
  for (const char* id : {"BUI", "CDO", "DON", "RXV", "SGH", "SGT"}) {
    INFO(id);
    CHECK(v2_8.segment(id) != nullptr);
    CHECK(v2_7_1.segment(id) == nullptr);
  }
  CHECK(field(v2_7_1, "PID", 35).key() == "species_code");
  CHECK(field(v2_8, "PID", 35).key() == "taxonomic_classification_code");
  CHECK(v2_8.structures().size() != v2_7_1.structures().size());
}

TEST_CASE("names the sources agree on replace npm's typos", "[defs][reconciled]") {
  const type_def* xtn = v2_6.type("XTN");
  REQUIRE(xtn != nullptr);
  CHECK(xtn->component(14)->key() == "expiration_date");  // npm: "exiration date"
  CHECK(xtn->component(15)->key() == "expiration_reason");
  CHECK(field(v2_3, "NK1", 26).key() == "mothers_maiden_name");  // npm: "Mother s Maiden Name"
  CHECK(field(v2_3, "EVN", 6).key() == "event_occurred");  // overrides.json: hl7apy and nHapi misspell it
  // Names carry no trailing annotation, so the key is the same in every version.
  for (const version_def* v : {&v2_3, &v2_5_1, &v2_7, &v2_8}) {
    INFO(v->id);
    CHECK(v->type("XPN")->component(4)->key() == "suffix");
    CHECK(v->type("XPN")->component(6)->key() == "degree");
  }
}

TEST_CASE("tables are per version where a source has them", "[defs][reconciled]") {
  for (const version_def* v : {&v2_3, &v2_4}) {
    INFO(v->id);
    const table_def* value_types = v->table(125);
    REQUIRE(value_types != nullptr);
    CHECK(value_types->contains("CE"));
    CHECK(value_types->contains("TS"));
    CHECK(value_types->contains("ST"));
  }
  CHECK(v2_8.table(125)->contains("CWE"));
}
