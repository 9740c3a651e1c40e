"""Output helpers of the demo: a progress line that never breaks a row, and
fixed-width tables."""

import shutil
import sys


# --------------------------------------------------------------------------
# progress on stderr that never breaks a row on stdout
# --------------------------------------------------------------------------
class _Progress:
    """One progress line on stderr, cleared before every row is written.

    Shown only when ``enabled``; uses tqdm when it is installed (the
    ``progress`` extra), else a plain status line redrawn with ``\\r``.
    """

    def __init__(self, total, enabled, stream=None):
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled
        self.total, self.done, self.label = total, 0, ""
        self._bar = None
        if not enabled:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            return
        self._bar = tqdm(total=total, file=self.stream, leave=False, miniters=1,
                         mininterval=0, dynamic_ncols=True, desc="skreg demo")

    def step(self, label):
        """Show that ``label`` is being computed."""
        self.label = label
        if self._bar is not None:
            self._bar.set_postfix_str(label)
        elif self.enabled:
            self._draw()

    def advance(self):
        self.done += 1
        if self._bar is not None:
            self._bar.update(1)
        elif self.enabled:
            self._draw()

    def write(self, out, line):
        """``out(line)`` with the bar off the screen meanwhile."""
        if self._bar is not None:
            with self._bar.get_lock():
                self._bar.clear(nolock=True)
                self.stream.flush()
                out(line)
                sys.stdout.flush()
                self._bar.refresh(nolock=True)
            return
        if self.enabled:
            self._erase()
        out(line)
        if self.enabled:
            sys.stdout.flush()
            self._draw()

    def close(self):
        if self._bar is not None:
            self._bar.close()
        elif self.enabled:
            self._erase()

    def _draw(self):
        width = shutil.get_terminal_size((80, 24)).columns - 1
        text = f"skreg demo {self.done}/{self.total}: {self.label}"
        self.stream.write("\r\x1b[K" + text[:width])
        self.stream.flush()

    def _erase(self):
        self.stream.write("\r\x1b[K")
        self.stream.flush()


class _Table:
    """Fixed-width columns: ``cols`` is a list of (header, width) pairs; a
    header ending in "<" names a left-aligned (text) column."""

    def __init__(self, cols):
        self.cols = [(h.rstrip("<"), w, h.endswith("<")) for h, w in cols]

    def line(self, values):
        cells = []
        for (_, width, left), v in zip(self.cols, values):
            s = "-" if v is None else str(v)
            cells.append(s.ljust(width) if left else s.rjust(width))
        return " ".join(cells).rstrip()

    def header(self):
        head = self.line([h for h, _, _ in self.cols])
        return [head, "-" * (sum(w for _, w, _ in self.cols) + len(self.cols) - 1)]


def _f(v, spec):
    return None if v is None else format(v, spec)


def _ratio(a, b):
    return None if a is None or b is None or b == 0 else f"{a / b:.2f}"
