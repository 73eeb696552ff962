// Every message structure of every version is a tree of segments, groups and choices (types.hpp):
// no node is a fake segment such as "OBR,RQD,RQ1" or "ROL,PRD", as the dictionaries stored choices.
#include <catch2/catch_test_macros.hpp>

#include <set>
#include <string>
#include <string_view>

#include "hl7v2/defs/all.hpp"

using namespace hl7v2::defs;
using namespace std::string_view_literals;

namespace {

constexpr bool is_upper_or_digit(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

/// Three characters, a capital letter then capitals or digits ("PID", "IN1", "ZPI").
constexpr bool plausible_segment_id(std::string_view id) noexcept {
  return id.size() == 3 && id[0] >= 'A' && id[0] <= 'Z' && is_upper_or_digit(id[1]) &&
         is_upper_or_digit(id[2]);
}

/// HL7's placeholders in structures: any segment, any Z segment.
constexpr bool wildcard(std::string_view id) noexcept { return id == "Hxx" || id == "Zxx"; }

constexpr bool identifier(std::string_view id) noexcept {
  if (id.empty() || !(id[0] >= 'A' && id[0] <= 'Z')) return false;
  for (char c : id)
    if (!(is_upper_or_digit(c) || c == '_')) return false;
  return true;
}

/// Whether some version defines the segment: this one, a later one (a structure may name a segment
/// its version's tables lack), or an earlier one (2.8's RDR_RDR still names QRD, withdrawn in 2.7).
bool defined_somewhere(std::string_view id) {
  for (const version_def* w : all_versions())
    if (w->segment(id) != nullptr) return true;
  return false;
}

struct walk_counts {
  std::size_t segments = 0, groups = 0, choices = 0, undefined = 0;
};

void walk(const version_def& v, std::span<const structure_node> nodes, const std::string& path,
          walk_counts& n) {
  for (const structure_node& node : nodes) {
    const std::string here = path + "/" + std::string(node.is_choice() ? "<choice>"sv : node.id);
    INFO(v.id << " " << here);
    CHECK((node.max == 0 || node.min <= node.max));
    switch (node.kind) {
      case node_kind::segment:
        ++n.segments;
        CHECK(node.children().empty());
        CHECK((plausible_segment_id(node.id) || wildcard(node.id)));
        if (!wildcard(node.id) && v.segment(node.id) == nullptr) {
          ++n.undefined;
          CHECK(defined_somewhere(node.id));
        }
        break;
      case node_kind::group:
        ++n.groups;
        CHECK(identifier(node.id));
        CHECK(!node.children().empty());
        break;
      case node_kind::choice:
        ++n.choices;
        CHECK(node.id.empty());
        CHECK(node.children().size() >= 2);
        for (const structure_node& alt : node.children()) CHECK(!alt.is_choice());
        break;
    }
    walk(v, node.children(), here, n);
  }
}

const structure_node* find(std::span<const structure_node> nodes, std::string_view id) {
  for (const structure_node& n : nodes) {
    if (!n.is_choice() && n.id == id) return &n;
    if (const structure_node* inner = find(n.children(), id)) return inner;
  }
  return nullptr;
}

const structure_node* first_choice(std::span<const structure_node> nodes) {
  for (const structure_node& n : nodes) {
    if (n.is_choice()) return &n;
    if (const structure_node* inner = first_choice(n.children())) return inner;
  }
  return nullptr;
}

std::string alternatives(const structure_node& choice) {
  std::string out;
  for (const structure_node& alt : choice.children()) {
    if (!out.empty()) out += '|';
    out += alt.id;
  }
  return out;
}

std::set<std::string_view> alternative_set(const structure_node& choice) {
  std::set<std::string_view> out;
  for (const structure_node& alt : choice.children()) out.insert(alt.id);
  return out;
}

}  // namespace

TEST_CASE("every structure node is a segment, a group or a choice", "[defs][structures]") {
  std::size_t choices = 0;
  for (const version_def* v : all_versions()) {
    walk_counts n;
    for (const structure_def* s : v->structures()) {
      REQUIRE(s->children().size() > 0);
      CHECK(s->children()[0].id == "MSH");
      walk(*v, s->children(), std::string(s->id), n);
    }
    INFO(v->id);
    CHECK(n.segments > 200);
    CHECK(n.groups > 15);
    CHECK(n.undefined <= 8);  // withdrawn segments that structures still name (QRD, QRF, URD, URS)
    choices += n.choices;
  }
  CHECK(choices > 100);
}

TEST_CASE("ORM_O01's order detail is a choice of the order segments (2.1 to 2.6)", "[defs][structures]") {
  for (const version_def* v : {&v2_2, &v2_3, &v2_3_1, &v2_4, &v2_5, &v2_5_1, &v2_6}) {
    INFO(v->id);
    const structure_def* orm = v->structure("ORM_O01");
    REQUIRE(orm != nullptr);
    const structure_node* detail = find(orm->children(), "ORDER_DETAIL");
    REQUIRE(detail != nullptr);
    REQUIRE(!detail->children().empty());
    const structure_node& choice = detail->children()[0];
    REQUIRE(choice.is_choice());
    CHECK(choice.min == 1);
    CHECK(choice.max == 1);
    CHECK(alternative_set(choice) == std::set<std::string_view>{"OBR", "RQD", "RQ1", "RXO", "ODS", "ODT"});
    CHECK(choice.children()[0].id == "OBR");
    for (const structure_node& alt : choice.children()) CHECK(alt.is_segment());
    // The rest of the group follows the choice.
    REQUIRE(detail->children().size() > 1);
    CHECK(detail->children()[1].id == "NTE");
  }
  for (const version_def* v : {&v2_3_1, &v2_4, &v2_5, &v2_5_1, &v2_6}) {
    INFO(v->id);
    for (const char* id : {"ORR_O02", "OSR_Q06"}) {
      const structure_def* s = v->structure(id);
      REQUIRE(s != nullptr);
      const structure_node* c = first_choice(s->children());
      REQUIRE(c != nullptr);
      CHECK(alternative_set(*c) == std::set<std::string_view>{"OBR", "RQD", "RQ1", "RXO", "ODS", "ODT"});
    }
  }
  // 2.1: <OBR|ORO|RX1>, then the observation group (npm's tree, overrides.json).
  const structure_node* detail21 = find(v2_1.structure("ORM_O01")->children(), "ORDER_DETAIL");
  REQUIRE(detail21 != nullptr);
  REQUIRE(detail21->children()[0].is_choice());
  CHECK(alternatives(detail21->children()[0]) == "OBR|ORO|RX1");
  CHECK(find(detail21->children(), "OBSERVATION") != nullptr);
  CHECK(v2_7.structure("ORM_O01") == nullptr);  // withdrawn in 2.7
}

TEST_CASE("2.7 to 2.8 choices are choices, not ids such as \"ROL,PRD\"", "[defs][structures]") {
  for (const version_def* v : {&v2_7, &v2_7_1, &v2_8}) {
    INFO(v->id);
    const structure_def* cci = v->structure("CCI_I22");
    REQUIRE(cci != nullptr);
    const structure_node* role = find(cci->children(), "ROLE_CLINICAL_HISTORY");
    REQUIRE(role != nullptr);
    REQUIRE(!role->children().empty());
    CHECK(role->children()[0].is_choice());
    CHECK(alternatives(role->children()[0]) == "ROL|PRD");
    const structure_node* resources = find(cci->children(), "RESOURCE_DETAIL");
    REQUIRE(resources != nullptr);
    CHECK(alternatives(resources->children()[0]) == "AIS|AIG|AIL|AIP");
  }
}

TEST_CASE("OUL_R22's container group is optional and repeating: [{SAC [INV]}]", "[defs][structures]") {
  for (const version_def* v : {&v2_5, &v2_5_1, &v2_6, &v2_7, &v2_7_1, &v2_8}) {
    INFO(v->id);
    const structure_def* oul = v->structure("OUL_R22");
    REQUIRE(oul != nullptr);
    const structure_node* container = find(oul->children(), "CONTAINER");
    REQUIRE(container != nullptr);
    CHECK(container->min == 0);
    CHECK(container->max == 0);
    REQUIRE(container->children().size() == 2);
    CHECK(container->children()[0].id == "SAC");
    CHECK(container->children()[0].required());
    CHECK(container->children()[1].id == "INV");
    CHECK(!container->children()[1].required());
  }
}
