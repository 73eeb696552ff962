// A deterministic, seeded generator of realistic HL7 v2 traffic for benchmarks: ADT^A01/A04/A08 and
// ORU^R01 in versions 2.3, 2.4 and 2.5.1, with the repetitions, escapes, character sets, terminators and
// framing that real feeds have. Every name, identifier and value is invented.
//
// The same options and seed give the same bytes with any compiler and standard library: the generator
// uses its own PRNG (xoshiro256** seeded by splitmix64) and formats numbers itself, never through
// <random> distributions or locale-dependent formatting.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hl7v2::bench {

// xoshiro256** (Blackman & Vigna), state filled by splitmix64 so that any 64-bit seed is fine.
class rng {
 public:
  explicit rng(std::uint64_t seed) noexcept {
    for (auto& word : state_) {
      seed += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      word = z ^ (z >> 31);
    }
  }
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, n) for n > 0. The modulo bias (< n / 2^64) is irrelevant for a corpus.
  std::uint32_t below(std::uint32_t n) noexcept { return static_cast<std::uint32_t>(next() % n); }
  // Uniform in [lo, hi].
  std::uint32_t between(std::uint32_t lo, std::uint32_t hi) noexcept { return lo + below(hi - lo + 1); }
  bool percent(std::uint32_t p) noexcept { return below(100) < p; }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& items) noexcept {
    return items[below(static_cast<std::uint32_t>(N))];
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> state_{};
};

enum class message_kind : std::uint8_t { adt_a01, adt_a04, adt_a08, oru_r01 };
inline constexpr std::size_t message_kind_count = 4;

constexpr std::string_view name(message_kind kind) noexcept {
  switch (kind) {
    case message_kind::adt_a01:
      return "ADT^A01";
    case message_kind::adt_a04:
      return "ADT^A04";
    case message_kind::adt_a08:
      return "ADT^A08";
    case message_kind::oru_r01:
      return "ORU^R01";
  }
  return "?";
}

// The share of each kind, in percent (documented in bench/README.md and checked by the tests).
// ORU messages (20-40 OBX) average ~4 KB and ADT ones ~1.1 KB: this mix averages ~1.5 KB per message.
inline constexpr std::array<std::uint32_t, message_kind_count> kind_percent{38, 22, 25, 15};

// Every message's text (without MLLP framing) stays within these sizes, in bytes.
inline constexpr std::size_t min_message_size = 512;
inline constexpr std::size_t max_message_size = 8192;

inline constexpr std::array<std::string_view, 3> supported_versions{"2.3", "2.4", "2.5.1"};

struct corpus_options {
  std::size_t count = 1000;
  std::uint64_t seed = 1;
  bool lf = false;          // LF segment terminators (files saved on Unix) instead of CR
  bool latin1 = false;      // every message declares MSH-18 "8859/1" and many carry Latin-1 bytes
  bool mllp = false;        // wrap each message in 0x0B ... 0x1C 0x0D
  bool z_segments = false;  // add site-specific ZPI/ZVI/ZLR segments
  std::vector<std::string> versions{"2.3", "2.4", "2.5.1"};  // picked uniformly per message
};

struct corpus_stats {
  std::size_t messages = 0;
  std::size_t bytes = 0;  // message text, without MLLP framing
  std::size_t min_size = 0;
  std::size_t max_size = 0;
  std::array<std::size_t, message_kind_count> by_kind{};
};

namespace detail {

// Invented people, places and codes. Names in `accented_*` are UTF-8 here and written as Latin-1 or
// UTF-8 according to the message's MSH-18; messages that declare no character set use plain ASCII.
inline constexpr std::array<std::string_view, 40> last_names{
    "HOLLOWAY", "MARSH",    "DELGADO",    "OKAFOR",     "LINDQVIST", "PRZYBYLSKI", "NAKAMURA", "ABERNATHY",
    "QUINTERO", "FAIRBANK", "OSEI",       "VANTERPOOL", "KOWALCZYK", "BRANDT",     "SOLIS",    "TREMBLAY",
    "HARGROVE", "IBARRA",   "MCALLISTER", "PETROVA",    "WINSLOW",   "CASTELLANO", "DRUMMOND", "ESPINOZA",
    "GALLOWAY", "HASTINGS", "IVERSON",    "JANSSEN",    "KIRKWOOD",  "LOCKHART",   "MERCADO",  "NORDSTROM",
    "OYELARAN", "PENROSE",  "RADCLIFFE",  "SAUNDERS",   "THORNBURY", "UPDIKE",     "VASQUEZ",  "WHITLOCK"};
inline constexpr std::array<std::string_view, 12> accented_last_names{
    "MÜLLER", "GONZÁLEZ", "LEFÈVRE", "JÄRVINEN", "NUÑEZ",   "SØRENSEN",
    "CÔTÉ",   "BJÖRK",    "GARCÍA",  "FRANÇOIS", "O'BRIEN", "DUBOIS-LAFONTAINE"};
inline constexpr std::array<std::string_view, 40> first_names{
    "MAEVE",  "TOBIAS",  "AMARA",  "JOAQUIN",  "PRIYA",   "EZEKIEL",  "ROSALIND", "DMITRI",
    "IMANI",  "LEOPOLD", "CORA",   "YUSUF",    "HALLIE",  "BENEDICT", "MARISOL",  "OTIS",
    "SIGRID", "WENDELL", "ZARA",   "ANSEL",    "BEATRIX", "CALLUM",   "DELPHINE", "EMRYS",
    "FIONA",  "GIDEON",  "HAZEL",  "IGNATIUS", "JUNO",    "KASPER",   "LUCINDA",  "MATTEO",
    "NADIA",  "ORSON",   "PHOEBE", "REMY",     "SAOIRSE", "THADDEUS", "ULRIKE",   "VIOLET"};
inline constexpr std::array<std::string_view, 8> accented_first_names{"JOSÉ",  "RENÉE",  "ZOË",  "BJØRN",
                                                                      "AGNÈS", "JÜRGEN", "INÉS", "FRANÇOISE"};
inline constexpr std::array<std::string_view, 16> streets{
    "CEDAR WAY",         "MAPLE AVE",  "ORCHARD LN",   "RIVERBEND RD", "KINGFISHER CT", "QUARRY ST",
    "BIRCH HOLLOW DR",   "LANTERN PL", "FOUNDRY ROW",  "HERON BLVD",   "SUMMIT TER",    "OLD MILL RD",
    "WILLOW CREEK PKWY", "TANNER ST",  "MARIGOLD CIR", "SEXTANT AVE"};
struct place {
  std::string_view city, state, zip_prefix, area_code;
};
inline constexpr std::array<place, 10> places{{{"LAKEVIEW", "OR", "976", "541"},
                                               {"SPRINGFIELD", "IL", "627", "217"},
                                               {"RIVERTON", "WY", "825", "307"},
                                               {"FAIRHAVEN", "MA", "027", "508"},
                                               {"CEDAR FALLS", "IA", "506", "319"},
                                               {"GREENVILLE", "SC", "296", "864"},
                                               {"MILLBROOK", "NY", "125", "845"},
                                               {"PORT ANGELES", "WA", "983", "360"},
                                               {"SANTA ROSA", "NM", "884", "575"},
                                               {"BRIDGEWATER", "NJ", "088", "908"}}};
// `code` is the short assigning-authority code that v2.3 identifiers carry: v2.3 caps a CX repetition
// (PID-3, PID-18) at 20 characters, so real 2.3 feeds use short codes.
// `site` is the two-character code of PV1-39 (servicing facility, ID/IS(2), table 0115).
struct facility {
  std::string_view name, code, site, oid;
};
inline constexpr std::array<facility, 5> facilities{
    {{"RIVERVIEW", "RVH", "RV", "2.16.840.1.113883.3.4411"},
     {"STMARYS", "SMH", "SM", "2.16.840.1.113883.3.5120"},
     {"NORTHGATE", "NGH", "NG", "2.16.840.1.113883.3.6032"},
     {"BAYSHORE", "BSH", "BS", "2.16.840.1.113883.3.7715"},
     {"HIGHPLAINS", "HPM", "HP", "2.16.840.1.113883.3.8840"}}};
inline constexpr std::array<std::string_view, 4> adt_apps{"EPICADT", "CERNERPM", "MEDITECH", "ALLSCRIPTS"};
inline constexpr std::array<std::string_view, 3> lab_apps{"CHEMLAB", "SUNQUEST", "SOFTLAB"};
inline constexpr std::array<std::string_view, 4> receiving_apps{"DATALAKE", "INTEGRATION", "HIE_GATEWAY",
                                                                "ANALYTICS"};
struct provider {
  std::string_view id, last, first, degree;
};
inline constexpr std::array<provider, 8> providers{{{"1992", "WARD", "IRENE", "MD"},
                                                    {"2047", "OKONKWO", "CHIDI", "MD"},
                                                    {"3318", "PELLETIER", "ANNE", "DO"},
                                                    {"4402", "GRUBER", "MATTHIAS", "MD"},
                                                    {"5561", "AHMADI", "LEILA", "MD"},
                                                    {"6129", "STROUD", "HENRY", "NP"},
                                                    {"7735", "VILLANUEVA", "ROSA", "MD"},
                                                    {"8840", "BECKETT", "SAMUEL", "PA"}}};
struct coded {
  std::string_view code, text;
};
// SNOMED CT substances ("SCT"): RxNorm's "RXNORM" only joined HL7 table 0396 in v2.6.
inline constexpr std::array<coded, 10> allergens{{{"373270004", "Penicillin"},
                                                  {"387494007", "Codeine"},
                                                  {"363528003", "Sulfamethoxazole"},
                                                  {"387458008", "Aspirin"},
                                                  {"227493005", "Cashew nuts"},
                                                  {"300913006", "Shellfish"},
                                                  {"111088007", "Latex"},
                                                  {"387207008", "Ibuprofen"},
                                                  {"256349002", "Peanut"},
                                                  {"385420005", "Iodinated contrast"}}};
// AL1-5 is ST(15) in v2.3-2.5.1.
inline constexpr std::array<std::string_view, 8> reactions{"Hives",    "Anaphylaxis",    "Rash \\T\\ itch",
                                                           "Nausea",   "Lip\\S\\tongue", "Wheezing",
                                                           "GI upset", "Angioedema"};
inline constexpr std::array<coded, 12> diagnoses{
    {{"E11.9", "Type 2 diabetes mellitus without complications"},
     {"I10", "Essential (primary) hypertension"},
     {"J18.9", "Pneumonia, unspecified organism"},
     {"N39.0", "Urinary tract infection, site not specified"},
     {"K35.80", "Unspecified acute appendicitis"},
     {"I48.91", "Unspecified atrial fibrillation"},
     {"J44.1", "COPD with (acute) exacerbation"},
     {"S72.001A", "Fracture of unsp part of neck of right femur"},
     {"R07.9", "Chest pain, unspecified"},
     {"E87.1", "Hypo-osmolality and hyponatremia"},
     {"F32.A", "Depression, unspecified"},
     {"Z34.90", "Encounter for supervision of normal pregnancy"}}};
struct insurer {
  std::string_view plan, plan_name, company_id, company;
};
inline constexpr std::array<insurer, 6> insurers{
    {{"BCBS01", "BLUE SHIELD PPO", "60054", "BLUE SHIELD OF THE WEST"},
     {"AETNA7", "AETNA CHOICE POS II", "60055", "AETNA"},
     {"MCR", "MEDICARE PART A\\T\\B", "00430", "CMS MEDICARE"},
     {"MCD", "STATE MEDICAID", "77001", "DEPT OF HEALTH SERVICES"},
     {"UHC3", "UNITEDHEALTHCARE HMO", "87726", "UNITEDHEALTHCARE"},
     {"KAI1", "COMMUNITY HEALTH PLAN", "94320", "COMMUNITY MUTUAL"}}};
inline constexpr std::array<std::string_view, 6> relationships{"SPO^Spouse",  "CHD^Child",  "PAR^Parent",
                                                               "SIB^Sibling", "FND^Friend", "GRD^Guardian"};
// A numeric lab test: code, name, units, reference range in tenths and the decimals shown.
struct lab_test {
  std::string_view code, name, units;
  std::int32_t low, high;  // reference range, in units of 10^-decimals
  std::uint8_t decimals;
};
inline constexpr std::array<lab_test, 24> numeric_tests{
    {{"6690-2", "WBC", "10*3/uL", 40, 110, 1},
     {"789-8", "RBC", "10*6/uL", 420, 590, 2},
     {"718-7", "Hemoglobin", "g/dL", 120, 170, 1},
     {"4544-3", "Hematocrit", "%", 360, 500, 1},
     {"787-2", "MCV", "fL", 800, 1000, 1},
     {"785-6", "MCH", "pg", 270, 330, 1},
     {"786-4", "MCHC", "g/dL", 320, 360, 1},
     {"788-0", "RDW", "%", 115, 145, 1},
     {"777-3", "Platelets", "10*3/uL", 150, 400, 0},
     {"2951-2", "Sodium", "mmol/L", 135, 145, 0},
     {"2823-3", "Potassium", "mmol/L", 35, 51, 1},
     {"2075-0", "Chloride", "mmol/L", 98, 107, 0},
     {"2028-9", "CO2", "mmol/L", 22, 29, 0},
     {"3094-0", "BUN", "mg/dL", 7, 20, 0},
     {"2160-0", "Creatinine", "mg/dL", 60, 120, 2},
     {"2345-7", "Glucose", "mg/dL", 70, 99, 0},
     {"17861-6", "Calcium", "mg/dL", 86, 103, 1},
     {"2885-2", "Protein, total", "g/dL", 60, 83, 1},
     {"1751-7", "Albumin", "g/dL", 35, 52, 1},
     {"1975-2", "Bilirubin, total", "mg/dL", 3, 12, 1},
     {"6768-6", "Alkaline phosphatase", "U/L", 44, 147, 0},
     {"1742-6", "ALT", "U/L", 7, 56, 0},
     {"1920-8", "AST", "U/L", 10, 40, 0},
     {"2093-3", "Cholesterol, total", "mg/dL", 125, 200, 0}}};
inline constexpr std::array<coded, 6> panels{{{"57021-8", "CBC W Auto Differential panel"},
                                              {"24323-8", "Comprehensive metabolic panel"},
                                              {"24331-1", "Lipid panel"},
                                              {"24356-8", "Urinalysis complete panel"},
                                              {"34555-3", "Hepatic function panel"},
                                              {"11502-2", "Laboratory report"}}};
struct coded_test {
  std::string_view code, name;
  std::array<coded, 3> answers;
};
inline constexpr std::array<coded_test, 6> coded_tests{
    {{"5778-6",
      "Color of Urine",
      {{{"371244009", "Yellow"}, {"371246006", "Amber"}, {"263716003", "Straw"}}}},
     {"5767-9",
      "Appearance of Urine",
      {{{"263707001", "Clear"}, {"263709003", "Cloudy"}, {"263708006", "Hazy"}}}},
     {"5802-4",
      "Nitrite [Presence] in Urine",
      {{{"260385009", "Negative"}, {"10828004", "Positive"}, {"260385009", "Negative"}}}},
     {"600-7",
      "Blood culture",
      {{{"264868006", "No growth"},
        {"3092008", "Staphylococcus aureus"},
        {"112283007", "Escherichia coli"}}}},
     {"882-1",
      "ABO and Rh group",
      {{{"278149003", "A Rh(D) positive"},
        {"278152006", "O Rh(D) positive"},
        {"278153001", "B Rh(D) negative"}}}},
     {"5804-0",
      "Protein [Mass/volume] in Urine",
      {{{"260385009", "Negative"}, {"260408008", "Trace"}, {"260350009", "Present ++"}}}}}};
inline constexpr std::array<coded, 6> string_tests{{{"5909-7", "Blood smear review"},
                                                    {"8251-1", "Service comment"},
                                                    {"19146-0", "Reference lab test results"},
                                                    {"33882-2", "Collection date"},
                                                    {"31208-2", "Specimen source"},
                                                    {"29554-3", "Procedure narrative"}}};
inline constexpr std::array<std::string_view, 10> string_values{
    "Anisocytosis 1\\S\\2+; see \\E\\note\\E\\",
    "Specimen hemolyzed, results may be affected",
    "Performed at reference laboratory \\T\\ reviewed",
    "Venous blood",
    "Slight lipemia noted",
    "Left antecubital",
    "Result verified by repeat analysis",
    "Sample received at 18\\F\\C ambient",
    "Pending confirmation",
    "Within normal limits"};
inline constexpr std::array<std::string_view, 14> report_sentences{
    "FINDINGS: The heart size is normal.",
    "Lungs are clear bilaterally without focal consolidation, effusion or pneumothorax.",
    "No acute osseous abnormality.",
    "IMPRESSION: No acute cardiopulmonary process.",
    "Comparison is made with the prior study of last year.",
    "Mild degenerative changes of the thoracic spine \\T\\ shoulders.",
    "Peripheral smear reviewed by pathologist; morphology unremarkable.",
    "Gram stain shows moderate gram-positive cocci in clusters.",
    "Culture: light growth, identification \\T\\ susceptibility to follow.",
    "Clinical correlation is recommended.",
    "Results called to the ordering provider and read back.",
    "Ratio 3\\S\\1 in keeping with reference \\E\\B\\E\\ criteria.",
    "Specimen adequacy: satisfactory for evaluation.",
    "No malignant cells identified."};
inline constexpr std::array<std::string_view, 8> note_texts{
    "Low hemoglobin \\T\\ low hematocrit\\.br\\Recommend iron studies",
    "Critical value called to nurse at bedside",
    "Fasting specimen",
    "Reference ranges updated per laboratory policy\\.br\\See lab handbook section 4\\S\\2",
    "Sample drawn from central line",
    "Patient on anticoagulant therapy",
    "Results reviewed; no action needed",
    "Specimen recollected \\F\\ prior sample clotted"};
inline constexpr std::array<std::string_view, 6> languages{"ENG^English",    "SPA^Spanish", "FRE^French",
                                                           "VIE^Vietnamese", "GER^German",  "POR^Portuguese"};
// PID-10: CE with the CDC race codes of HL7 table 0005 from v2.4 (CDCREC is not in v2.5.1's table 0396);
// v2.3 has a one-character IS field, so 2.3 feeds send a local letter.
inline constexpr std::array<std::string_view, 5> races{
    "2106-3^White^HL70005", "2054-5^Black or African American^HL70005", "2028-9^Asian^HL70005",
    "1002-5^American Indian or Alaska Native^HL70005", "2131-1^Other Race^HL70005"};
inline constexpr std::array<std::string_view, 5> races_v23{"W", "B", "A", "I", "O"};
inline constexpr std::array<std::string_view, 4> units{"4EAST", "3WEST", "ICU", "5NORTH"};

// Appends code points U+0000..U+00FF given as UTF-8 in `text` as single Latin-1 bytes.
inline void append_latin1(std::string& out, std::string_view utf8) {
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if ((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size()) {
      const auto next = static_cast<unsigned char>(utf8[i + 1]);
      out.push_back(static_cast<char>(((c & 0x03u) << 6) | (next & 0x3Fu)));
      ++i;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

}  // namespace detail

// Produces one message at a time; append_next() writes the next message (with its MLLP framing when
// asked) at the end of `out`. Messages are numbered from 1 in MSH-10, so a corpus is reproducible.
class corpus_generator {
 public:
  explicit corpus_generator(const corpus_options& options)
      : options_(options), rng_(options.seed), term_(options.lf ? '\n' : '\r') {
    for (const auto& v : options_.versions) {
      for (std::size_t i = 0; i < supported_versions.size(); ++i) {
        if (v == supported_versions[i]) versions_.push_back(static_cast<std::uint8_t>(i));
      }
    }
    if (versions_.empty()) versions_.push_back(2);
  }

  // Appends the next message; returns its kind and stores its size (without framing) in *size.
  message_kind append_next(std::string& out, std::size_t* size = nullptr) {
    const message_kind kind = pick_kind();
    ++sequence_;
    // Each attempt draws fresh values; the size limits are rarely hit, so this loops once or twice.
    for (std::uint32_t attempt = 0;; ++attempt) {
      scratch_.clear();
      if (kind == message_kind::oru_r01) {
        write_oru(attempt);
      } else {
        write_adt(kind);
      }
      if (scratch_.size() >= min_message_size && scratch_.size() <= max_message_size) break;
    }
    if (options_.mllp) out.push_back('\x0B');
    out += scratch_;
    if (options_.mllp) {
      out.push_back('\x1C');
      out.push_back('\r');
    }
    if (size != nullptr) *size = scratch_.size();
    return kind;
  }

 private:
  enum class text_charset : std::uint8_t { ascii, latin1, utf8 };

  message_kind pick_kind() {
    std::uint32_t roll = rng_.below(100);
    for (std::size_t k = 0; k < message_kind_count; ++k) {
      if (roll < kind_percent[k]) return static_cast<message_kind>(k);
      roll -= kind_percent[k];
    }
    return message_kind::oru_r01;
  }

  // --- low-level writers -------------------------------------------------------------------------
  void put(std::string_view s) { scratch_ += s; }
  void put(char c) { scratch_.push_back(c); }
  void field() { scratch_.push_back('|'); }
  void field(std::string_view s) {
    scratch_.push_back('|');
    scratch_ += s;
  }
  void fields(std::size_t n) { scratch_.append(n, '|'); }  // n empty field separators
  void end_segment() { scratch_.push_back(term_); }
  void num(std::uint64_t v, std::size_t width = 0) {
    char buf[24];
    std::size_t n = 0;
    do {
      buf[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n < width) buf[n++] = '0';
    while (n > 0) scratch_.push_back(buf[--n]);
  }
  // A fixed-point value: `scaled` in units of 10^-decimals.
  void decimal(std::int64_t scaled, std::uint8_t decimals) {
    if (scaled < 0) {
      put('-');
      scaled = -scaled;
    }
    std::uint64_t pow = 1;
    for (std::uint8_t i = 0; i < decimals; ++i) pow *= 10;
    num(static_cast<std::uint64_t>(scaled) / pow);
    if (decimals > 0) {
      put('.');
      num(static_cast<std::uint64_t>(scaled) % pow, decimals);
    }
  }
  void digits(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) put(static_cast<char>('0' + rng_.below(10)));
  }
  // Text that may hold non-ASCII letters, written in the message's declared character set.
  void text(std::string_view utf8) {
    if (charset_ == text_charset::latin1) {
      detail::append_latin1(scratch_, utf8);
    } else {
      scratch_ += utf8;
    }
  }
  void last_name() {
    if (charset_ != text_charset::ascii && rng_.percent(30)) {
      text(rng_.pick(detail::accented_last_names));
    } else {
      put(rng_.pick(detail::last_names));
    }
  }
  void first_name() {
    if (charset_ != text_charset::ascii && rng_.percent(20)) {
      text(rng_.pick(detail::accented_first_names));
    } else {
      put(rng_.pick(detail::first_names));
    }
  }
  // YYYYMMDD[HHMM[SS]] within 2024-2025 (or a birth date).
  void date(std::uint32_t year_lo, std::uint32_t year_hi) {
    num(rng_.between(year_lo, year_hi));
    num(rng_.between(1, 12), 2);
    num(rng_.between(1, 28), 2);
  }
  void timestamp(bool seconds = true) {
    num(base_date_);
    num(rng_.between(0, 23), 2);
    num(rng_.between(0, 59), 2);
    if (seconds) num(rng_.between(0, 59), 2);
  }
  void phone() {
    put('(');
    put(place_->area_code);
    put(')');
    digits(3);
    put('-');
    digits(4);
  }
  void address(std::string_view type) {
    num(rng_.between(1, 9899));
    put(' ');
    put(rng_.pick(detail::streets));
    put('^');
    if (rng_.percent(30)) {
      put("APT ");
      num(rng_.between(1, 40));
      put(static_cast<char>('A' + rng_.below(4)));
    }
    put('^');
    put(place_->city);
    put('^');
    put(place_->state);
    put('^');
    put(place_->zip_prefix);
    digits(2);
    put("^USA^");
    put(type);
  }
  // An assigning authority: HD with subcomponents (namespace&OID&ISO) in 2.5.1, a plain name before.
  void authority() {
    put(facility_ns());
    if (version_ == 2) {
      put('&');
      put(facility_->oid);
      put("&ISO");
    }
  }
  // The facility as an HD namespace: the short code in v2.3 (see detail::facility), else its name.
  std::string_view facility_ns() const { return version_ == 0 ? facility_->code : facility_->name; }
  void provider_xcn(const detail::provider& p) {
    put(p.id);
    put('^');
    put(p.last);
    put('^');
    put(p.first);
    put("^^^DR^");
    put(p.degree);
  }

  // --- segments ----------------------------------------------------------------------------------
  void begin_message(message_kind kind) {
    version_ = versions_[rng_.below(static_cast<std::uint32_t>(versions_.size()))];
    if (options_.latin1) {
      charset_ = text_charset::latin1;
    } else if (version_ == 2 && rng_.percent(50)) {
      charset_ = text_charset::utf8;
    } else {
      charset_ = text_charset::ascii;
    }
    facility_ = &rng_.pick(detail::facilities);
    place_ = &rng_.pick(detail::places);
    base_date_ = 2024'00'00 + 10000 * rng_.below(2) + 100 * rng_.between(1, 12) + rng_.between(1, 28);

    put("MSH|^~\\&");
    field(kind == message_kind::oru_r01 ? rng_.pick(detail::lab_apps) : rng_.pick(detail::adt_apps));
    field(facility_->name);
    field(rng_.pick(detail::receiving_apps));
    field(facility_->name);
    field();
    timestamp();
    field();  // MSH-8 security
    field();
    const std::string_view type = name(kind);
    put(type);
    if (version_ >= 1) put(kind == message_kind::oru_r01 ? "^ORU_R01" : "^ADT_A01");
    field(kind == message_kind::oru_r01 ? "LAB" : "MSG");
    num(sequence_, 8);
    field(rng_.percent(90) ? "P" : "T");
    field(supported_versions[version_]);
    const bool declare_charset = charset_ != text_charset::ascii;
    if (declare_charset || rng_.percent(40)) {
      fields(2);  // MSH-13 sequence, MSH-14 continuation
      field("AL");
      field("NE");
      if (declare_charset) {
        field(version_ == 0 ? "" : "USA");
        field(charset_ == text_charset::latin1 ? "8859/1" : "UNICODE UTF-8");
      }
    }
    end_segment();
  }

  void evn(std::string_view event) {
    put("EVN");
    field(event);
    field();
    timestamp();
    fields(2);
    field();
    const auto& p = rng_.pick(detail::providers);
    provider_xcn(p);
    field();
    timestamp();
    end_segment();
  }

  void pid(bool full) {
    put("PID|1|");
    if (version_ == 0) {  // PID-2 external id, common in 2.3 feeds
      digits(7);
    }
    field();
    // PID-3: one to three identifiers (MRN, enterprise id, SSN), repeated with '~'.
    put('E');
    digits(7);
    put("^^^");
    authority();
    put("^MR");
    const std::uint32_t extra = full ? rng_.between(1, 2) : rng_.below(2);
    if (extra >= 1) {
      put("~");
      digits(9);
      put("^^^EPI^PI");
    }
    if (extra >= 2) {
      put("~");
      digits(3);
      put('-');
      digits(2);
      put('-');
      digits(4);
      put("^^^SSA^SS");
    }
    field();  // PID-4
    field();
    last_name();
    put('^');
    first_name();
    put('^');
    put(static_cast<char>('A' + rng_.below(26)));
    if (version_ >= 1) put("^^^^L");
    field();  // PID-6 mother's maiden name
    if (full && rng_.percent(50)) last_name();
    field();
    date(1931, 2023);
    field(rng_.percent(50) ? "F" : "M");
    field();  // PID-9
    if (full)
      field(version_ == 0 ? rng_.pick(detail::races_v23) : rng_.pick(detail::races));
    else
      field();
    field();
    address("H");  // PID-11: home, and often a mailing address as a second repetition
    if (rng_.percent(full ? 60 : 25)) {
      put('~');
      if (rng_.percent(50)) {
        put("PO BOX ");
        num(rng_.between(10, 999));
        put('^');
        put('^');
        put(place_->city);
        put('^');
        put(place_->state);
        put('^');
        put(place_->zip_prefix);
        digits(2);
        put("^USA^M");
      } else {
        address("M");
      }
    }
    field();  // PID-12 county
    field();
    phone();
    put("^PRN^PH");
    if (full) {
      field();
      phone();
      put("^WPN^PH");
      field(rng_.pick(detail::languages));
      field(rng_.percent(50) ? "M" : "S");
      field();  // religion
      field();
      put('A');
      digits(9);
      put("^^^");
      put(facility_ns());
      put("^AN");
      field();  // PID-19 SSN, often left empty
      fields(2);
      const bool hispanic = rng_.percent(20);  // PID-22: IS(1) in v2.3, CE from v2.4
      if (version_ == 0)
        field(hispanic ? "H" : "N");
      else
        field(hispanic ? "H^Hispanic or Latino^HL70189" : "N^Not Hispanic or Latino^HL70189");
    }
    end_segment();
  }

  void pv1(char patient_class, bool full) {
    put("PV1|1");
    field(std::string_view(&patient_class, 1));
    field();
    if (patient_class == 'I') {
      put(rng_.pick(detail::units));
      put('^');
      num(rng_.between(100, 499));
      put('^');
      put(static_cast<char>('A' + rng_.below(2)));
      if (version_ > 0) {  // v2.3 gives PV1-3 (PL) 12 characters: no facility there
        put('^');
        put(facility_->name);
      }
    } else {
      put("CLINIC");
      if (version_ > 0) {
        put("^^^");
        put(facility_->name);
      }
    }
    field(patient_class == 'I' ? "E" : "R");  // PV1-4 admission type
    fields(3);
    const auto& attending = rng_.pick(detail::providers);
    provider_xcn(attending);  // PV1-7
    field();
    if (full) provider_xcn(rng_.pick(detail::providers));  // PV1-8 referring
    field();
    field(patient_class == 'I' ? "MED" : "CAR");  // PV1-10 hospital service (table 0069)
    fields(7);
    if (full) provider_xcn(attending);  // PV1-17 admitting
    field(patient_class == 'I' ? "IN" : "OP");
    field();
    put('V');
    digits(9);  // PV1-19 visit number: CX(15) in v2.3, so the number alone there
    if (version_ > 0) {
      put("^^^");
      put(facility_->name);
      put("^VN");
    }
    if (full) {
      field();
      put(rng_.percent(50) ? "01" : "02");  // PV1-20 financial class
      fields(18);
      field(facility_->site);  // PV1-39 servicing facility
      fields(4);
      field();
      timestamp(false);  // PV1-44 admit date/time
    }
    end_segment();
  }

  void nk1(std::uint32_t set_id) {
    put("NK1|");
    num(set_id);
    field();
    last_name();
    put('^');
    first_name();
    field(rng_.pick(detail::relationships));
    if (version_ >= 1) put("^HL70063");
    field();
    address("H");
    field();
    phone();
    field();
    field();
    put(rng_.percent(70) ? "C^Emergency Contact" : "N^Next-of-Kin");  // NK1-7 contact role (table 0131)
    end_segment();
  }

  void al1(std::uint32_t set_id) {
    const auto& allergen = rng_.pick(detail::allergens);
    put("AL1|");
    num(set_id);
    field(rng_.percent(80) ? "DA" : "FA");
    field(allergen.code);
    put('^');
    put(allergen.text);
    put("^SCT");
    field(rng_.percent(30) ? "SV" : (rng_.percent(50) ? "MO" : "MI"));
    field(rng_.pick(detail::reactions));
    field();
    date(2005, 2023);
    end_segment();
  }

  void dg1(std::uint32_t set_id) {
    const auto& dx = rng_.pick(detail::diagnoses);
    put("DG1|");
    num(set_id);
    // DG1-2 coding method is ID(2) and required in v2.3 but deprecated from v2.4, where the coding
    // system travels in DG1-3 (ICD-10's "I10" does not fit two characters).
    field(version_ == 0 ? "I9" : "");
    field(dx.code);
    put('^');
    put(dx.text);
    put("^I10");
    field(dx.text.substr(0, 40));  // DG1-4 description, ST(40): senders truncate (deprecated but still sent)
    field();
    timestamp();
    field(set_id == 1 ? "A" : "W");
    end_segment();
  }

  void in1(std::uint32_t set_id) {
    const auto& ins = rng_.pick(detail::insurers);
    put("IN1|");
    num(set_id);
    field(ins.plan);
    if (version_ > 0) {  // IN1-2 is CE(8) in v2.3: the plan id alone
      put('^');
      put(ins.plan_name);
    }
    field(ins.company_id);
    field(ins.company);
    field();
    put("PO BOX ");
    num(rng_.between(1000, 99999));
    const auto& office = rng_.pick(detail::places);
    put("^^");
    put(office.city);
    put('^');
    put(office.state);
    put('^');
    put(office.zip_prefix);
    digits(3);
    field();
    field();
    put("(800)");
    digits(3);
    put('-');
    digits(4);
    field();
    put('G');
    digits(6);  // IN1-8 group number
    field("EMPLOYER GROUP PLAN");
    fields(2);
    field();
    date(2020, 2024);  // IN1-12 plan effective date
    field();
    date(2025, 2027);
    fields(2);
    field();
    last_name();  // IN1-16 name of insured
    put('^');
    first_name();
    // IN1-17: IS(2) in v2.3, where senders use the X12 codes (18 self, 01 spouse); CE on table 0063 from
    // v2.4.
    const bool self = rng_.percent(60);
    if (version_ == 0)
      field(self ? "18" : "01");
    else
      field(self ? "SEL^Self^HL70063" : "SPO^Spouse^HL70063");
    field();
    date(1940, 2005);
    field();
    address("H");
    fields(16);
    field();
    put('M');
    digits(9);  // IN1-36 policy number
    end_segment();
  }

  void z_patient() {
    put("ZPI|1");
    field(rng_.percent(50) ? "Y" : "N");  // portal enrolled
    field("PHARMACY^");
    put(rng_.pick(detail::streets));
    field();
    phone();
    field(rng_.percent(20) ? "Prefers evening calls \\T\\ texts" : "");
    end_segment();
    if (rng_.percent(50)) {
      put("ZVI|1|");
      put(rng_.pick(detail::units));
      field("VIP^N~INTERP^");
      put(rng_.percent(30) ? "Y" : "N");
      field();
      timestamp();
      end_segment();
    }
  }

  void write_adt(message_kind kind) {
    begin_message(kind);
    const char* event = kind == message_kind::adt_a01 ? "A01" : kind == message_kind::adt_a04 ? "A04" : "A08";
    evn(event);
    const bool full = rng_.percent(50);
    pid(full);
    if (options_.z_segments) z_patient();
    const std::uint32_t nk1s = rng_.below(3);
    for (std::uint32_t i = 1; i <= nk1s; ++i) nk1(i);
    pv1(kind == message_kind::adt_a04 ? 'O' : 'I', full);
    const std::uint32_t al1s = rng_.below(4);
    for (std::uint32_t i = 1; i <= al1s; ++i) al1(i);
    const std::size_t after_al1 = scratch_.size();
    const std::uint32_t dg1s = rng_.below(3);
    for (std::uint32_t i = 1; i <= dg1s; ++i) dg1(i);
    const std::uint32_t in1s = kind == message_kind::adt_a08 ? rng_.below(2) : rng_.below(3);
    for (std::uint32_t i = 1; i <= in1s; ++i) in1(i);
    // Keep the smallest messages in range: more allergies, as a real chart would have. They are written
    // at the end and rotated into place after the other AL1s, since ADT_A01 wants AL1 before DG1/IN1.
    const std::size_t tail = scratch_.size();
    for (std::uint32_t i = al1s + 1; scratch_.size() < min_message_size; ++i) al1(i);
    std::rotate(scratch_.begin() + static_cast<std::ptrdiff_t>(after_al1),
                scratch_.begin() + static_cast<std::ptrdiff_t>(tail), scratch_.end());
  }

  // --- ORU ---------------------------------------------------------------------------------------
  void obx_header(std::uint32_t set_id, std::string_view type) {
    put("OBX|");
    num(set_id);
    field(type);
    field();
  }
  void obx_trailer(std::string_view flag) {
    field(flag);
    fields(2);
    field("F");
    fields(3);
    timestamp();
    if (version_ == 2) {
      field(facility_->name);  // OBX-15 producer's id
      fields(3);
      field();
      timestamp();  // OBX-19 analysis date/time
    }
    end_segment();
  }

  void obx_numeric(std::uint32_t set_id) {
    const auto& t = rng_.pick(detail::numeric_tests);
    obx_header(set_id, "NM");
    put(t.code);
    put('^');
    put(t.name);
    put("^LN");
    field();
    // Mostly normal results, some out of range on either side.
    const std::int32_t span = t.high - t.low;
    const std::int32_t value =
        t.low - span / 4 +
        static_cast<std::int32_t>(rng_.below(static_cast<std::uint32_t>(span + span / 2 + 1)));
    field();
    decimal(value, t.decimals);
    field(t.units);
    put('^');
    put(t.units);
    put("^UCUM");
    field();
    decimal(t.low, t.decimals);
    put('-');
    decimal(t.high, t.decimals);
    obx_trailer(value < t.low ? "L" : value > t.high ? "H" : "N");
  }

  void obx_coded(std::uint32_t set_id) {
    const auto& t = rng_.pick(detail::coded_tests);
    const auto& answer = rng_.pick(t.answers);
    obx_header(set_id, version_ == 2 ? "CWE" : "CE");
    put(t.code);
    put('^');
    put(t.name);
    put("^LN");
    field();
    field(answer.code);
    put('^');
    put(answer.text);
    put("^SCT");
    fields(2);
    obx_trailer(answer.text == "Negative" || answer.text == "No growth" ? "N" : "A");
  }

  void obx_string(std::uint32_t set_id) {
    const auto& t = rng_.pick(detail::string_tests);
    obx_header(set_id, "ST");
    put(t.code);
    put('^');
    put(t.text);
    put("^LN");
    field();
    field(rng_.pick(detail::string_values));
    fields(2);
    obx_trailer("");
  }

  // A narrative report: sentences joined by \.br\, sometimes as several repetitions of OBX-5.
  void obx_text(std::uint32_t set_id) {
    obx_header(set_id, "TX");
    put(rng_.percent(50) ? "18782-3^Radiology Study observation^LN" : "11526-1^Pathology study^LN");
    field();
    field();
    const std::uint32_t lines = rng_.between(2, 5);
    for (std::uint32_t i = 0; i < lines; ++i) {
      if (i > 0) put(rng_.percent(25) ? "~" : "\\.br\\");
      put(rng_.pick(detail::report_sentences));
    }
    fields(2);
    obx_trailer("");
  }

  void nte(std::uint32_t set_id) {
    put("NTE|");
    num(set_id);
    field("L");
    field(rng_.pick(detail::note_texts));
    end_segment();
  }

  void write_oru(std::uint32_t attempt) {
    begin_message(message_kind::oru_r01);
    pid(rng_.percent(30));
    pv1(rng_.percent(40) ? 'I' : 'O', false);
    const auto& orderer = rng_.pick(detail::providers);
    put("ORC|RE|PLC");
    digits(7);
    field("FIL");
    digits(7);
    fields(5);
    field();
    timestamp();
    fields(3);
    field();
    provider_xcn(orderer);
    end_segment();
    // 20-40 results spread over one to three orders; retries (a message over the size limit) ask
    // for fewer results.
    std::uint32_t total = attempt < 4 ? rng_.between(20, 40) : 20;
    const std::uint32_t orders = rng_.between(1, 3);
    std::uint32_t obx_id = 0;
    for (std::uint32_t o = 1; o <= orders; ++o) {
      const std::uint32_t in_order = o == orders ? total : total / (orders - o + 1);
      total -= in_order;
      const auto& panel = rng_.pick(detail::panels);
      put("OBR|");
      num(o);
      field("PLC");
      digits(7);
      field("FIL");
      digits(7);
      field(panel.code);
      put('^');
      put(panel.text);
      put("^LN");
      fields(2);
      field();
      timestamp();
      fields(8);
      field();
      provider_xcn(orderer);
      fields(5);
      field();
      timestamp();
      fields(2);
      field("F");
      end_segment();
      if (rng_.percent(30)) nte(1);
      std::uint32_t note_id = 1;
      for (std::uint32_t i = 0; i < in_order; ++i) {
        const std::uint32_t roll = rng_.below(100);
        ++obx_id;
        if (roll < 60) {
          obx_numeric(obx_id);
        } else if (roll < 75) {
          obx_string(obx_id);
        } else if (roll < 90) {
          obx_coded(obx_id);
        } else {
          obx_text(obx_id);
        }
        if (rng_.percent(8)) nte(note_id++);
        if (options_.z_segments && rng_.percent(5)) {
          put("ZLR|");
          num(obx_id);
          field("AUTOVERIFIED");
          field(rng_.percent(50) ? "Rule 12\\S\\B" : "Delta check passed");
          end_segment();
        }
      }
    }
  }

  corpus_options options_;
  rng rng_;
  char term_;
  std::vector<std::uint8_t> versions_;  // indexes into supported_versions
  std::uint64_t sequence_ = 0;
  std::string scratch_;
  // Per-message state.
  std::uint8_t version_ = 0;
  text_charset charset_ = text_charset::ascii;
  const detail::facility* facility_ = nullptr;
  const detail::place* place_ = nullptr;
  std::uint32_t base_date_ = 20240101;
};

// A whole corpus as one buffer, ready to be written to a file.
inline std::string generate_corpus(const corpus_options& options, corpus_stats* stats = nullptr) {
  corpus_generator gen(options);
  std::string out;
  out.reserve(options.count * 1600);
  corpus_stats s;
  for (std::size_t i = 0; i < options.count; ++i) {
    std::size_t size = 0;
    const message_kind kind = gen.append_next(out, &size);
    ++s.messages;
    s.bytes += size;
    s.min_size = s.messages == 1 ? size : std::min(s.min_size, size);
    s.max_size = std::max(s.max_size, size);
    ++s.by_kind[static_cast<std::size_t>(kind)];
  }
  if (stats != nullptr) *stats = s;
  return out;
}

}  // namespace hl7v2::bench
