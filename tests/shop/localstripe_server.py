"""Run localstripe on 127.0.0.1:<port>, keeping its state in <state-file> instead of /tmp.

localstripe itself binds every interface and pickles its store to the fixed path
/tmp/localstripe.pickle, which parallel runs would share; this launcher changes only that.
Usage: python -m tests.shop.localstripe_server <port> <state-file>
"""

import pickle
import sys

from aiohttp import web
from localstripe import resources, server


def main(port: int, state_file: str) -> None:
    def dump_to_disk(store):
        with open(state_file, "wb") as f:
            pickle.dump(dict(store), f, protocol=pickle.HIGHEST_PROTOCOL)

    resources.Store.dump_to_disk = dump_to_disk
    web.run_app(server.app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
