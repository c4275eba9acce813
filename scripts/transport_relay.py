"""Relay TCP connections: each LISTEN=TARGET pair (host:port) forwards to its target.

scripts/cluster.sh runs one per OpenSearch host so nodes keep their transport
on loopback (development mode, see the README) while talking across hosts:

    python3 scripts/transport_relay.py 10.210.0.12:9402=127.0.0.1:9302 ...
"""

import asyncio
import sys


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


def _handler(target: tuple[str, int]):
    async def handle(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*target)
        except OSError:
            writer.close()  # the target is down: refuse as it would
            return
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    return handle


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


async def main(pairs: list[str]) -> None:
    servers = []
    for pair in pairs:
        listen, _, target = pair.partition("=")
        host, port = _address(listen)
        servers.append(
            await asyncio.start_server(_handler(_address(target)), host, port)
        )
    await asyncio.gather(*(server.serve_forever() for server in servers))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: transport_relay.py LISTEN_HOST:PORT=TARGET_HOST:PORT ...")
    asyncio.run(main(sys.argv[1:]))
