"""Record: the ``__repr__`` and ``__eq__`` (and ``__hash__``) a ``@dataclass`` gives, over ``__slots__``.

`threadport check` starts in well under 100 ms only without dataclasses: importing it
pulls in inspect (and with it dis, tokenize, linecache...), and each decorated class
compiles its generated methods at import time, about 1.5 ms a class. The classes on
the check path are plain classes instead: each writes its own ``__init__`` (as fast as
the generated one, and plain to read) and names its fields in ``__slots__`` (less
memory per object; a misspelt attribute is an error). The fields are the ``__slots__``
of the class and its bases, base first, as a dataclass orders its fields (a ``__dict__``
slot, for attributes set later, is not a field).

    class Site(Record):                # @dataclass
    class Kind(Record, frozen=True):   # @dataclass(frozen=True): hashable by its fields
    class Scope(Record, eq=False):     # @dataclass(eq=False): compared by identity

``frozen`` is a promise, not enforced: the fields must not change once the object is
hashed (a dataclass raises FrozenInstanceError; a check on every assignment would
cost each ``__init__`` more than the decorator did).
"""

from __future__ import annotations

from reprlib import recursive_repr  # already imported at start-up (collections imports it)


class Record:
    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __init_subclass__(cls, eq: bool = True, frozen: bool = False, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        slots = (name for klass in reversed(cls.__mro__) for name in vars(klass).get("__slots__", ()))
        cls._fields = tuple(name for name in slots if name not in ("__dict__", "__weakref__"))
        if not eq:
            cls.__eq__ = object.__eq__  # type: ignore[method-assign]
            cls.__hash__ = object.__hash__  # type: ignore[method-assign]
        elif frozen:
            cls.__hash__ = Record._field_hash  # type: ignore[method-assign]

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields)

    @recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # as @dataclass: equal by value, so unhashable unless frozen

    def _field_hash(self) -> int:
        return hash(self._values())
