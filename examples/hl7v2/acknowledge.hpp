// The acknowledgement a receiver sends for one message, decided in one place for `hl7v2 ack` and
// `hl7v2 lake listen`: validated with the definitions `validate` uses, AA when it passes (warnings
// allowed), AE when validation found errors, AR when MSH-12 names no known version (CA/CE/CR in
// enhanced mode, as write_ack decides from MSH-15/16).
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "converter_setup.hpp"
#include "engine.hpp"
#include "hl7v2/validate/ack.hpp"
#include "validation.hpp"

namespace hl7v2::cli {

// MSH-7 of an ACK: the local time with its UTC offset.
inline std::string local_timestamp() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[32];
  return std::string(buf, std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S%z", &tm));
}

// MSA-1 as written in an ACK built by write_ack ("AA", "CE", ...): the two letters after "MSA" and the
// field separator in the segment after the first CR. Empty when there is none.
inline std::string_view msa1_of(std::string_view ack) {
  const std::size_t msa = ack.find("\rMSA");
  return msa == std::string_view::npos || msa + 7 > ack.size() ? std::string_view{} : ack.substr(msa + 5, 2);
}

// Decides and writes ACKs; one per thread (it keeps a validation report).
class acknowledger {
 public:
  acknowledger(const json::options& setup, bool validate)
      : setup_(setup), validate_(validate), definitions_(resolver_for(setup)) {}

  // The code for `msg`: with validation, reject for an unknown version and error for validation errors;
  // without it, accept anything that parsed. (has_errors() also counts errors past the report's limit.)
  validate::ack_code decide(const message& msg) {
    if (!validate_) {
      rep_.clear();
      version_ = definitions_.version_for(msg);
      return validate::ack_code::accept;
    }
    version_ = validate_message(msg, setup_, validate::options{}, rep_);
    if (version_ == nullptr) return validate::ack_code::reject;
    return rep_.has_errors() ? validate::ack_code::error : validate::ack_code::accept;
  }

  // The ACK for `msg` with `code` (after decide(), whose diagnostics become ERR segments), appended to
  // `out`; not_needed when MSH-15/16 say no ACK is sent.
  template <class Sink>
  validate::ack_status write(const message& msg, validate::ack_code code, const validate::ack_options& o,
                             Sink& out) {
    // An AR for an unknown version is laid out as the default version's; MSH-12 is still echoed.
    if (version_ == nullptr) return validate::write_ack(msg, definitions_, code, rep_.items(), o, out);
    return validate::write_ack(msg, *version_, code, rep_.items(), o, out);
  }

  const validate::report& report() const { return rep_; }

 private:
  const json::options& setup_;
  bool validate_;
  defs::resolver definitions_;
  const defs::version_def* version_ = nullptr;
  validate::report rep_;
};

}  // namespace hl7v2::cli
