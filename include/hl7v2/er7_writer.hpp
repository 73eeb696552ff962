// Serializes a message tree back to ER7. The output is rebuilt from the parts (subcomponents joined by
// the message's delimiters, level by level), so writing what the parser read reproduces the input
// byte for byte, except that every segment ends with CR and empty lines are dropped.
//
// A bare CR inside a field (possible only in an LF-terminated message) is written as is, so the output
// then ends a segment there when read back; escape such text (\X0D\) first if it must survive.
//
// A Sink is anything with append(const char*, std::size_t) and push_back(char); std::string qualifies.
#pragma once

#include <cstddef>
#include <string_view>

#include "hl7v2/message.hpp"

namespace hl7v2 {

namespace detail {

template <class Sink>
void write_text(std::string_view s, Sink& out) {
  if (!s.empty()) out.append(s.data(), s.size());
}

// Joins the children of `part` with `sep`, writing each child with `write_child`.
template <class Part, class Sink, class WriteChild>
void write_joined(const Part& part, char sep, Sink& out, WriteChild&& write_child) {
  bool first = true;
  for (const auto& child : part) {
    if (!first) out.push_back(sep);
    first = false;
    write_child(child);
  }
}

}  // namespace detail

template <class Sink>
void write_er7(const field& f, const delimiters& d, Sink& out) {
  detail::write_joined(f, d.repetition, out, [&](const repetition& r) {
    detail::write_joined(r, d.component, out, [&](const component& c) {
      detail::write_joined(c, d.subcomponent, out,
                           [&](const subcomponent& s) { detail::write_text(s.raw(), out); });
    });
  });
}

// One segment, without its terminator.
template <class Sink>
void write_er7(const segment& s, const delimiters& d, Sink& out) {
  detail::write_text(s.id(), out);
  std::size_t pos = 1;
  if (s.is_header()) {
    detail::write_text(s[1].raw(), out);  // MSH-1 is the separator itself
    pos = 2;
  }
  for (; pos <= s.size(); ++pos) {
    // In a header, MSH-1 already stands between the id and MSH-2.
    if (!(s.is_header() && pos == 2)) out.push_back(d.field);
    write_er7(s[pos], d, out);
  }
}

template <class Sink>
void write_er7(const message& m, Sink& out) {
  for (const segment& s : m.segments()) {
    write_er7(s, m.delims(), out);
    out.push_back('\r');
  }
}

}  // namespace hl7v2
