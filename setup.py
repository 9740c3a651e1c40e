"""Build the compiled kernels; all metadata lives in pyproject.toml."""

from glob import glob

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

extensions = [
    Extension(
        path[:-4].replace("/", "."),
        [path],
        include_dirs=[np.get_include()],
        extra_compile_args=["-O3"],
    )
    for path in sorted(glob("skreg/**/*.pyx", recursive=True))
]

setup(
    ext_modules=cythonize(
        extensions,
        compiler_directives={
            "language_level": "3",
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
        },
    )
)
