// node-hl7-client (npm, not ours) as an MLLP sender: sends COUNT messages to the listener on PORT,
// one at a time, each waiting for its ACK, and prints {"sent":n,"acks":{"AA":n},"mismatched":k} — the
// ACKs whose MSA-2 is not the sent MSH-10. Usage: node node_hl7_client.mjs PORT COUNT PREFIX
import { Client, Message } from "node-hl7-client";

const [port, count, prefix] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4] ?? "NODE"];
const client = new Client({ host: "127.0.0.1", version: "2.5" });
const acks = {};
let mismatched = 0;
let received = 0;
let waiting = null;
const conn = client.createConnection({ port, waitAck: true }, async (res) => {
  const m = res.getMessage();
  const code = m.get("MSA.1").toString();
  acks[code] = (acks[code] ?? 0) + 1;
  if (m.get("MSA.2").toString() !== `${prefix}${received}`) mismatched++;
  received++;
  if (waiting) waiting();
});
const timer = setTimeout(() => {
  console.log(JSON.stringify({ sent: count, received, acks, mismatched, timeout: true }));
  process.exit(1);
}, 60000);
for (let i = 0; i < count; i++) {
  const text =
    `MSH|^~\\&|NODE|FAC|LAKE|FAC|20250101120000||ADT^A01^ADT_A01|${prefix}${i}|P|2.5\r` +
    `PID|1||MRN${i}^^^FAC^MR||NODEPATIENT${i}^GIVEN||19800101|F\rPV1|1|O|WARD^1^1\r`;
  const done = new Promise((resolve) => (waiting = resolve));
  await conn.sendMessage(new Message({ text }));
  await done;
}
clearTimeout(timer);
console.log(JSON.stringify({ sent: count, received, acks, mismatched }));
await conn.close();
process.exit(received === count && mismatched === 0 && acks.AA === count ? 0 : 1);
