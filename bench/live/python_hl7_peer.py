"""The peer for the live-feed bench: python-hl7's asyncio MLLP server, acknowledging every message with
AA (python-hl7's own create_ack). It stores nothing. Usage: python_hl7_peer.py PORT_FILE"""
import asyncio
import os
import sys

import hl7
import hl7.mllp


async def handle(reader, writer):
    try:
        while not writer.is_closing():
            msg = await reader.readmessage()
            writer.writemessage(msg.create_ack("AA"))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass


async def main():
    server = await hl7.mllp.start_hl7_server(handle, "127.0.0.1", 0)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    async with server:
        await server.serve_forever()


asyncio.run(main())
