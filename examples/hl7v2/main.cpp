// hl7v2: convert HL7 v2 (ER7) to NDJSON and back, validate it, acknowledge it, and ingest it into a
// data lake.
//   hl7v2 convert [options] [FILE...|-]
//   hl7v2 validate [options] [FILE...|-]
//   hl7v2 ack [options] [FILE...|-]
//   hl7v2 lake ingest --lake DIR [options] INPUT...
//   hl7v2 lake status --lake DIR [--json]
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <thread>

#include "ack_cmd.hpp"
#include "convert_cmd.hpp"
#include "lake/ingest_cmd.hpp"
#include "lake/listen_cmd.hpp"
#include "lake/status_cmd.hpp"
#include "lake/watch_cmd.hpp"
#include "send_cmd.hpp"
#include "validate_cmd.hpp"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is an I/O error we report, not a silent death

  CLI::App app{"hl7v2: HL7 v2 (ER7) to NDJSON, and a data-lake ingest"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "hl7v2 0.1.0");

  hl7v2::cli::convert_options conv;
  CLI::App* convert =
      app.add_subcommand("convert", "ER7 in, one JSON object per line out (or back with --from json)");
  convert
      ->add_option("--format", conv.format,
                   "JSON layout: named (default), positional, or grouped (named, nested by the message "
                   "structure's groups)")
      ->check(CLI::IsMember({"named", "positional", "grouped"}));
  convert->add_flag("--typed", conv.typed, "numbers and dates as JSON types (named layout)");
  convert->add_flag("--upper-keys", conv.upper_keys, "upper-case keys (named layout)");
  convert->add_option("--default-version", conv.default_version,
                      "HL7 version for messages with an empty MSH-12");
  convert->add_option("--profile", conv.profile_path, "site profile (JSON) with Z-segments and overrides");
  convert->add_option("--errors", conv.errors_path, "write error records to FILE instead of stderr");
  convert->add_option("--from", conv.from, "input kind: er7 (default) or json (JSON lines back to ER7)")
      ->check(CLI::IsMember({"er7", "json"}));
  convert->add_option("inputs", conv.inputs, "files to read; - or none for stdin");
  convert->footer(
      "Exit status: 0 all converted, 1 some messages failed (error records written), 2 usage or I/O error.");

  hl7v2::cli::validate_cmd_options val;
  CLI::App* validate =
      app.add_subcommand("validate", "check messages against the definitions of their HL7 version");
  validate->add_option("--default-version", val.default_version,
                       "HL7 version for messages with an empty MSH-12");
  validate->add_option("--profile", val.profile_path,
                       "site profile (JSON): every message is checked with it");
  validate->add_flag("--json", val.json, "one JSON object per diagnostic and line (NDJSON)");
  validate->add_option("inputs", val.inputs, "files to read; - or none for stdin");
  validate->footer(
      "One line per finding: source, message index, severity, code, path and the expectation; never a "
      "value.\n"
      "Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage or I/O error.");

  hl7v2::cli::ack_cmd_options ackopt;
  CLI::App* ack = app.add_subcommand("ack", "print the acknowledgement (ACK) for each message");
  ack->add_option("--default-version", ackopt.default_version,
                  "HL7 version for messages with an empty MSH-12");
  ack->add_option("--profile", ackopt.profile_path, "site profile (JSON): every message is checked with it");
  ack->add_option("--timestamp", ackopt.timestamp, "MSH-7 of the ACKs (default: the local time now)");
  ack->add_flag("--code-only", ackopt.code_only,
                "print source, message index and MSA-1 (AA, AE, ...) per line");
  ack->add_flag("--mllp", ackopt.mllp, "wrap each ACK in MLLP framing (0x0B ... 0x1C 0x0D)");
  ack->add_option("inputs", ackopt.inputs, "files to read; - or none for stdin");
  ack->footer(
      "ACK segments end with CR (CR LF on a terminal), each ACK with a line feed.\n"
      "Exit status: 0 all accepted, 1 some ACK is AE/AR (CE/CR) or a message could not be acknowledged,\n"
      "2 usage or I/O error.");

  hl7v2::cli::send_options snd;
  CLI::App* send = app.add_subcommand("send", "send messages over MLLP, each waiting for its ACK");
  send->add_option("--host", snd.host, "receiver (default 127.0.0.1)");
  send->add_option("--port", snd.port, "receiver's TCP port")->required();
  send->add_option("--tls-ca", snd.tls_ca, "TLS: the CA that signed the receiver's certificate");
  send->add_option("--tls-cert", snd.tls_cert, "TLS: our certificate, for mutual TLS");
  send->add_option("--tls-key", snd.tls_key, "TLS: our private key, for mutual TLS");
  send->add_flag("--tls", snd.tls, "TLS with the system's CAs");
  send->add_option("--timeout", snd.timeout, "seconds to wait for each ACK (default 10)")
      ->check(CLI::Range(0.01, 3600.0));
  send->add_option("--retries", snd.retries, "attempts after a timeout or dropped connection (default 3)");
  send->add_flag("--json", snd.json, "one JSON record per message on stdout (no field values)");
  send->add_option("inputs", snd.inputs, "files to send; - or none for stdin");
  send->footer("Exit status: 0 every message got AA or CA, 1 otherwise, 2 usage or I/O error.");

  CLI::App* lake = app.add_subcommand("lake", "data lake: raw, staging and error zones");
  lake->require_subcommand(1);
  hl7v2::cli::lake::ingest_options ing;
  CLI::App* ingest =
      lake->add_subcommand("ingest", "ingest HL7 files into the lake (idempotent, crash safe)");
  ingest->add_option("--lake", ing.lake, "lake directory")->required();
  ingest->add_option("--format", ing.format, "JSON layout in staging: named, positional or grouped")
      ->check(CLI::IsMember({"named", "positional", "grouped"}));
  ingest->add_flag("--typed", ing.typed, "numbers and dates as JSON types (named layout)");
  ingest->add_flag("--strict", ing.strict,
                   "also send messages that fail validation (errors, not warnings) to the error zone");
  ingest->add_option("--default-version", ing.default_version,
                     "HL7 version for messages with an empty MSH-12");
  ingest->add_option("--jobs,-j", ing.jobs, "worker threads (default: hardware threads)")
      ->check(CLI::Range(1u, 1024u));
  ingest->add_option("--profile", ing.profile_path, "site profile (JSON)");
  ingest
      ->add_option("--batch-size", ing.batch_bytes,
                   "input bytes per unit of parallel work (default: about 4 batches per job, 1-8 MiB)")
      ->check(CLI::Range(std::size_t{1} << 10, std::size_t{1} << 30));
  bool no_progress = false;
  ingest->add_flag("--no-progress", no_progress, "no progress line even on a terminal");
  bool no_fsync = false;
  ingest->add_flag("--no-fsync", no_fsync,
                   "do not flush to disk before each commit: safe if the process is killed, not against a "
                   "power cut");
  ingest->add_option("inputs", ing.inputs, "files, directories (recursive), - for stdin")->required();
  ingest->footer("Exit status: 0 all staged, 1 some messages went to the error zone, 2 usage or I/O error.");

  hl7v2::cli::lake::listen_options lis;
  CLI::App* listen = lake->add_subcommand(
      "listen", "receive MLLP feeds: store each message durably, then ACK it; convert into the lake");
  listen->add_option("--lake", lis.lake, "lake directory")->required();
  listen->add_option("--bind", lis.bind, "address to listen on (default 127.0.0.1; 0.0.0.0 for all)");
  listen->add_option("--port", lis.port, "TCP port (0: any free port, see --port-file)")->required();
  listen->add_option("--port-file", lis.port_file, "write the port to FILE once listening");
  listen->add_option("--tls-cert", lis.tls_cert, "TLS: certificate chain (PEM)");
  listen->add_option("--tls-key", lis.tls_key, "TLS: private key (PEM)");
  listen->add_option("--tls-client-ca", lis.tls_client_ca,
                     "TLS: require client certificates signed by this CA (mutual TLS)");
  listen->add_option("--max-connections", lis.max_connections, "connections at once (default 256)")
      ->check(CLI::Range(1u, 100000u));
  listen
      ->add_option("--max-message-bytes", lis.max_message_bytes,
                   "larger frames are refused with AR/CR (default 8 MiB)")
      ->check(CLI::Range(std::size_t{64}, std::size_t{1} << 30));
  listen
      ->add_option("--idle-timeout", lis.idle_timeout,
                   "seconds a connection may stay silent, or a write to it stall (default 300)")
      ->check(CLI::Range(1u, 86400u));
  listen->add_flag("--strict", lis.strict,
                   "validate: AE (CE) and the error zone for messages with validation errors, AR (CR) for an "
                   "unknown version");
  listen->add_option("--default-version", lis.default_version,
                     "HL7 version for messages with an empty MSH-12");
  listen->add_option("--profile", lis.profile_path, "site profile (JSON)");
  listen->add_option("--format", lis.format, "JSON layout in staging: named, positional or grouped")
      ->check(CLI::IsMember({"named", "positional", "grouped"}));
  listen->add_flag("--typed", lis.typed, "numbers and dates as JSON types (named layout)");
  listen->add_option("--jobs,-j", lis.jobs, "conversion worker threads (default 1)")
      ->check(CLI::Range(1u, 64u));
  listen->add_option("--dedupe-window", lis.dedupe_window,
                     "recent messages remembered to recognize resent ones (default 262144)");
  bool listen_no_fsync = false;
  listen->add_flag("--no-fsync", listen_no_fsync,
                   "ACK without flushing to disk (for measurements only: a power cut loses acknowledged "
                   "messages)");
  listen->footer(
      "An ACK (AA/CA) is sent only after the message is on disk. SIGTERM/SIGINT: stop accepting, finish,\n"
      "convert, exit 0. Exit status 2 when it cannot start.");

  hl7v2::cli::lake::watch_options wat;
  CLI::App* watch = lake->add_subcommand("watch", "ingest files as they land in inbox directories (inotify)");
  watch->add_option("--lake", wat.lake, "lake directory")->required();
  watch->add_flag("--remove-ingested", wat.remove_ingested,
                  "delete each input once its manifest is durable (or it was already in the lake)");
  watch->add_option("--format", wat.format, "JSON layout in staging: named, positional or grouped")
      ->check(CLI::IsMember({"named", "positional", "grouped"}));
  watch->add_flag("--typed", wat.typed, "numbers and dates as JSON types (named layout)");
  watch->add_flag("--strict", wat.strict, "also send messages that fail validation to the error zone");
  watch->add_option("--default-version", wat.default_version,
                    "HL7 version for messages with an empty MSH-12");
  watch->add_option("--profile", wat.profile_path, "site profile (JSON)");
  watch->add_option("--jobs,-j", wat.jobs, "worker threads (default: hardware threads)")
      ->check(CLI::Range(1u, 1024u));
  bool watch_no_fsync = false;
  watch->add_flag("--no-fsync", watch_no_fsync, "do not flush to disk before each commit");
  watch->add_option("inboxes", wat.inboxes, "directories to watch")->required();
  watch->footer(
      "A file is read once it is closed after writing or renamed into an inbox; names starting with '.' are\n"
      "ignored. Files present at start are ingested first. Runs until SIGTERM/SIGINT (exit 0).");

  hl7v2::cli::lake::status_options st;
  CLI::App* status = lake->add_subcommand("status", "counts per zone, message type, version and error code");
  status->add_option("--lake", st.lake, "lake directory")->required();
  status->add_flag("--json", st.json, "machine-readable output");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (convert->parsed()) return hl7v2::cli::run_convert(conv);
  if (validate->parsed()) return hl7v2::cli::run_validate(val);
  if (ack->parsed()) return hl7v2::cli::run_ack(ackopt);
  if (send->parsed()) return hl7v2::cli::run_send(snd);
  if (ingest->parsed()) {
    ing.progress = !no_progress;
    ing.fsync = !no_fsync;
    return hl7v2::cli::lake::run_ingest(ing);
  }
  if (status->parsed()) return hl7v2::cli::lake::run_status(st);
  if (watch->parsed()) {
    wat.fsync = !watch_no_fsync;
    return hl7v2::cli::lake::run_watch(wat);
  }
  if (listen->parsed()) {
    lis.fsync = !listen_no_fsync;
    return hl7v2::cli::lake::run_listen(lis);
  }
  return 2;
}
