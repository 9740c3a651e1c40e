"""``python -m skreg``: the demo (main job) on data bundled with scikit-learn."""

from skreg._demo import main

if __name__ == "__main__":
    raise SystemExit(main())
