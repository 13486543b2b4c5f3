"""Serve mongoeco's MongoDB-wire-compatible server on loopback until SIGTERM (test infrastructure).

Run with a Python >= 3.13 that has ``mongoeco[wire]`` installed (``testing.MongoecoServer`` prepares
one); it needs nothing from Framework M. Prints ``READY <url>`` once it accepts connections.
"""

import argparse
import asyncio
import signal


async def serve(host: str, port: int) -> None:
    from mongoeco.wire import AsyncMongoEcoProxyServer  # type: ignore[import-not-found]

    server = AsyncMongoEcoProxyServer(host=host, port=port)
    address = await server.start()
    print(f"READY mongodb://{address.host}:{address.port}/?directConnection=true", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port))
