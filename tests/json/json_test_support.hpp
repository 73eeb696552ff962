// Shared helpers of the tests/json tests: files, simdjson parsing, JSON equality and a small
// deterministic generator of awkward ER7 messages (random delimiters, escapes, nulls, repetitions,
// Z-segments, Latin-1 and invalid bytes).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace test_support {

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::string data(const char* name) { return read_file(std::string(HL7V2_TEST_DATA_DIR) + "/" + name); }

inline bool json_equal(simdjson::dom::element a, simdjson::dom::element b, bool loose = false);

// A member that says nothing: "", or an object or array of such members.
inline bool says_nothing(simdjson::dom::element e) {
  if (e.is_string()) return std::string_view(e.get_string()).empty();
  if (e.is_array()) {
    for (auto x : e.get_array()) {
      if (!says_nothing(x)) return false;
    }
    return true;
  }
  if (!e.is_object()) return false;
  for (auto m : e.get_object()) {
    if (!says_nothing(m.value)) return false;
  }
  return true;
}

// Structural equality; numbers compare by value (7.20 == 7.2). `loose`: object members that say
// nothing are ignored.
inline bool json_equal(simdjson::dom::element a, simdjson::dom::element b, bool loose) {
  using t = simdjson::dom::element_type;
  const auto numeric = [](t x) { return x == t::INT64 || x == t::UINT64 || x == t::DOUBLE; };
  if (numeric(a.type()) && numeric(b.type())) return double(a.get_double()) == double(b.get_double());
  if (loose) {
    // ER7 cannot tell a null repetition from one whose first component is null: {"x":null} ≈ null.
    const auto only_null = [](simdjson::dom::element e) {
      if (!e.is_object()) return false;
      simdjson::dom::object o = e.get_object();
      return o.size() == 1 && (*o.begin()).value.is_null();
    };
    if ((a.is_null() && only_null(b)) || (b.is_null() && only_null(a))) return true;
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case t::STRING:
      return std::string_view(a.get_string()) == std::string_view(b.get_string());
    case t::BOOL:
      return bool(a.get_bool()) == bool(b.get_bool());
    case t::NULL_VALUE:
      return true;
    case t::ARRAY: {
      simdjson::dom::array x = a.get_array(), y = b.get_array();
      if (x.size() != y.size()) return false;
      auto i = x.begin();
      auto j = y.begin();
      for (; i != x.end(); ++i, ++j) {
        if (!json_equal(*i, *j, loose)) return false;
      }
      return true;
    }
    case t::OBJECT: {
      simdjson::dom::object x = a.get_object(), y = b.get_object();
      auto i = x.begin();
      auto j = y.begin();
      for (;;) {  // order matters: segments keep the JSON order
        if (loose) {
          while (i != x.end() && says_nothing((*i).value)) ++i;
          while (j != y.end() && says_nothing((*j).value)) ++j;
        }
        if (i == x.end() || j == y.end()) return i == x.end() && j == y.end();
        if ((*i).key != (*j).key || !json_equal((*i).value, (*j).value, loose)) return false;
        ++i;
        ++j;
      }
    }
    default:
      return false;
  }
}

inline bool json_text_equal(const std::string& a, const std::string& b, bool loose = false) {
  simdjson::dom::parser pa, pb;
  simdjson::dom::element ea, eb;
  if (pa.parse(a).get(ea) != simdjson::SUCCESS || pb.parse(b).get(eb) != simdjson::SUCCESS) return false;
  return json_equal(ea, eb, loose);
}

// splitmix64: enough randomness for test data, identical everywhere.
class rng {
 public:
  explicit rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool percent(std::size_t p) { return below(100) < p; }

 private:
  std::uint64_t s_;
};

enum class bytes_mode { ascii, utf8, latin1, invalid };

struct generated {
  std::string text;
  bytes_mode mode;
};

// One message, CR-terminated. Delimiter sets vary; field text avoids CR/LF and the delimiters except
// through escapes.
inline generated random_message(rng& r) {
  static const char* sets[] = {"|^~\\&", "|^~\\&#", "|^~`&", "#^~\\&", "|^~", "|^~\\", "!@$%*", "|^~\\&"};
  const std::string set = sets[r.below(sizeof sets / sizeof *sets)];
  const char F = set[0], C = set[1], R = set[2];
  const char E = set.size() > 3 ? set[3] : '\0';
  const char S = set.size() > 4 ? set[4] : '\0';
  const bytes_mode mode = static_cast<bytes_mode>(r.below(4));
  auto text = [&](std::size_t max_len) {
    std::string t;
    const std::size_t n = r.below(max_len + 1);
    static const std::string_view plain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789 .,-/()+:;'\"{}[]<>=?_";
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t k = r.below(100);
      if (k < 6 && E != '\0') {
        static const char* codes[] = {"F", "S", "T", "R", "E", ".br", "X41", "H", "N", "Q", ".sp2", "X0D0A"};
        t += E;
        t += codes[r.below(12)];
        t += E;
      } else if (k < 9 && mode == bytes_mode::utf8) {
        t += "\xC3\xA9";  // é
      } else if (k < 9 && mode == bytes_mode::latin1) {
        t += static_cast<char>(0xE9);
      } else if (k < 9 && mode == bytes_mode::invalid) {
        t += static_cast<char>(0xFF);
      } else {
        char c = plain[r.below(plain.size())];
        if (c == F || c == C || c == R || c == E || c == S) c = 'Q';
        t += c;
      }
    }
    return t;
  };
  auto component = [&]() {
    if (r.percent(5)) return std::string("\"\"");
    std::string c;
    const std::size_t subs = S != '\0' && r.percent(10) ? 1 + r.below(3) : 1;
    for (std::size_t i = 0; i < subs; ++i) {
      if (i) c += S;
      c += text(8);
    }
    return c;
  };
  auto field = [&]() {
    if (r.percent(25)) return std::string();
    if (r.percent(5)) return std::string("\"\"");
    std::string f;
    const std::size_t reps = r.percent(15) ? 1 + r.below(3) : 1;
    for (std::size_t i = 0; i < reps; ++i) {
      if (i) f += R;
      const std::size_t comps = r.percent(40) ? 1 + r.below(6) : 1;
      for (std::size_t j = 0; j < comps; ++j) {
        if (j) f += C;
        f += component();
      }
    }
    return f;
  };
  static const char* versions[] = {"2.3", "2.4", "2.5.1", "2.7", "", "9.9", "2.8.2", "2.1"};
  static const char* charsets[] = {"", "UNICODE UTF-8", "ASCII"};
  const char* cs =
      mode == bytes_mode::latin1 ? "8859/1" : charsets[r.below(mode == bytes_mode::ascii ? 3 : 2)];
  std::string m = "MSH";
  m += set;
  const std::string msh_fields[] = {"SENDER",
                                    "FAC",
                                    "RECV",
                                    "FAC2",
                                    "20260126153045",
                                    "",
                                    std::string("ADT") + C + "A01",
                                    "CTRL" + std::to_string(r.below(100000)),
                                    "P",
                                    versions[r.below(8)],
                                    "",
                                    "",
                                    "",
                                    "",
                                    "",
                                    cs};
  for (const std::string& f : msh_fields) m += F + f;
  m += '\r';
  static const char* ids[] = {"PID", "PV1", "OBX", "NTE", "NK1", "ZZ1",
                              "EVN", "AL1", "DG1", "ZPI", "IN1", "OBR"};
  static const char* obx_types[] = {"NM", "CE", "ST", "TS", "XX", "", "CWE", "SN"};
  const std::size_t segments = 1 + r.below(8);
  for (std::size_t s = 0; s < segments; ++s) {
    const std::string id = ids[r.below(12)];
    m += id;
    const std::size_t nf = r.below(30);
    for (std::size_t i = 1; i <= nf; ++i) {
      m += F;
      if (id == "OBX" && i == 2) {
        m += obx_types[r.below(8)];
      } else {
        m += field();
      }
    }
    m += '\r';
  }
  return {m, mode};
}

}  // namespace test_support
