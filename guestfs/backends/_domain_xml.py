"""libvirt domain XML as small declarative classes (one per element).

Each class names its element's tag and maps its fields to simple xpaths
relative to that element (``@attr``, ``child``, ``child/@attr``); the same
declaration both writes XML (the ``libvirt`` backend's appliance domain, in
``libvirt.py``) and reads it (the disks of a guest for ``add_domain``, in
``guestfs/library/domains.py``).  Values the caller left unset are filled
by ``set_defaults()``, kept apart from construction so reading a guest's
XML never invents values.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any, ClassVar, Generic, TypeVar, overload

_order = itertools.count()

#: libvirt's namespace for qemu-specific settings (``<qemu:override>``).
QEMU_NS = "http://libvirt.org/schemas/domain/qemu/1.0"
ET.register_namespace("qemu", QEMU_NS)

E = TypeVar("E", bound="XMLElement")


def _split(xpath: str) -> tuple[list[str], str | None]:
    """``a/b/@c`` → (["a", "b"], "c"); ``a/b`` → (["a", "b"], None)."""
    steps = [s for s in xpath.split("/") if s not in ("", ".")]
    attr = None
    if steps and steps[-1].startswith("@"):
        attr = steps.pop()[1:]
    return steps, attr


def _find(el: ET.Element, steps: list[str]) -> ET.Element | None:
    for s in steps:
        found = el.find(s)
        if found is None:
            return None
        el = found
    return el


def _make(el: ET.Element, steps: list[str]) -> ET.Element:
    for s in steps:
        found = el.find(s)
        el = found if found is not None else ET.SubElement(el, s)
    return el


class XMLProperty:
    """One value of an element, stored at ``xpath`` (relative to the element).

    ``kind`` says how the text maps to Python: ``str``, ``int``, ``yesno``
    / ``onoff`` (booleans written as ``yes``/``no``, ``on``/``off``) or
    ``flag`` (an empty child element that is present or not).
    """

    def __init__(self, xpath: str, kind: str = "str") -> None:
        if kind not in ("str", "int", "yesno", "onoff", "flag"):
            raise ValueError(f"unknown XML property kind {kind!r}")
        self.xpath = xpath
        self.kind = kind
        self.order = next(_order)
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> XMLProperty: ...
    @overload
    def __get__(self, obj: XMLElement, owner: type) -> Any: ...

    def __get__(self, obj: XMLElement | None, owner: type) -> Any:
        if obj is None:
            return self
        return obj._values.get(self.name)

    def __set__(self, obj: XMLElement, value: Any) -> None:
        obj._values[self.name] = value

    def to_text(self, value: Any) -> str:
        """The XML text for ``value``."""
        if self.kind == "yesno":
            return "yes" if value else "no"
        if self.kind == "onoff":
            return "on" if value else "off"
        return str(value)

    def from_text(self, text: str) -> Any:
        """The Python value for XML ``text`` (None if it does not parse)."""
        text = text.strip()
        if self.kind == "int":
            try:
                return int(text, 0)
            except ValueError:
                return None
        if self.kind in ("yesno", "onoff"):
            return text in ("yes", "on")
        return text

    def read(self, el: ET.Element) -> Any:
        """This property's value in element ``el``, or None if absent."""
        steps, attr = _split(self.xpath)
        node = _find(el, steps)
        if self.kind == "flag":
            return True if node is not None else None
        if node is None:
            return None
        text = node.get(attr) if attr else node.text
        return None if text is None else self.from_text(text)

    def write(self, el: ET.Element, value: Any) -> None:
        """Store ``value`` in element ``el``, making the path as needed."""
        steps, attr = _split(self.xpath)
        if self.kind == "flag":
            if value:
                _make(el, steps)
            return
        node = _make(el, steps)
        if attr:
            node.set(attr, self.to_text(value))
        else:
            node.text = self.to_text(value)


class _ChildBase(Generic[E]):
    """Shared part of :class:`XMLChild` and :class:`XMLChildren`."""

    def __init__(self, cls: type[E], parent: str = "") -> None:
        self.cls = cls
        self.parent = parent
        self.order = next(_order)
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def _nodes(self, el: ET.Element) -> list[ET.Element]:
        steps, _ = _split(self.parent)
        parent = _find(el, steps)
        return [] if parent is None else parent.findall(self.cls.tag)

    def _parent(self, el: ET.Element) -> ET.Element:
        return _make(el, _split(self.parent)[0])


class XMLChild(_ChildBase[E]):
    """A single child element of class ``cls`` (under the ``parent`` path)."""

    @overload
    def __get__(self, obj: None, owner: type) -> XMLChild[E]: ...
    @overload
    def __get__(self, obj: XMLElement, owner: type) -> E | None: ...

    def __get__(self, obj: XMLElement | None, owner: type) -> Any:
        if obj is None:
            return self
        return obj._values.get(self.name)

    def __set__(self, obj: XMLElement, value: E | None) -> None:
        obj._values[self.name] = value


class XMLChildren(_ChildBase[E]):
    """A list of child elements of class ``cls`` (under the ``parent`` path)."""

    @overload
    def __get__(self, obj: None, owner: type) -> XMLChildren[E]: ...
    @overload
    def __get__(self, obj: XMLElement, owner: type) -> list[E]: ...

    def __get__(self, obj: XMLElement | None, owner: type) -> Any:
        if obj is None:
            return self
        return obj._values.setdefault(self.name, [])

    def __set__(self, obj: XMLElement, value: list[E]) -> None:
        obj._values[self.name] = list(value)


_Member = XMLProperty | XMLChild[Any] | XMLChildren[Any]


class XMLElement:
    """Base of the element classes: parse, serialise and default-fill.

    Subclasses set ``tag`` and declare members; members are written in
    declaration order, so the output is stable (golden files compare it).
    """

    tag: ClassVar[str] = ""

    def __init__(self, **values: Any) -> None:
        self._values: dict[str, Any] = {}
        names = {m.name for m in self._members()}
        for k, v in values.items():
            if k not in names:
                raise TypeError(f"{type(self).__name__} has no field {k!r}")
            setattr(self, k, v)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self._values.items() if v not in (None, []))
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, XMLElement) and type(other) is type(self) \
            and self.to_xml() == other.to_xml()

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def _members(cls) -> list[_Member]:
        found: dict[str, _Member] = {}
        for klass in reversed(cls.__mro__):
            for name, v in vars(klass).items():
                if isinstance(v, (XMLProperty, XMLChild, XMLChildren)):
                    found[name] = v
        return sorted(found.values(), key=lambda m: m.order)

    # -- reading --------------------------------------------------------

    @classmethod
    def from_element(cls: type[E], el: ET.Element) -> E:
        """Read an instance from a parsed element (unknown content is ignored)."""
        obj = cls()
        for m in cls._members():
            if isinstance(m, XMLProperty):
                v = m.read(el)
                if v is not None:
                    m.__set__(obj, v)
            elif isinstance(m, XMLChild):
                nodes = m._nodes(el)
                if nodes:
                    m.__set__(obj, m.cls.from_element(nodes[0]))
            else:
                m.__set__(obj, [m.cls.from_element(n) for n in m._nodes(el)])
        return obj

    @classmethod
    def from_xml(cls: type[E], text: str) -> E:
        """Parse an XML document whose root is this class's element.

        :raises ValueError: not well-formed, or the wrong root element.
        """
        try:
            root = ET.fromstring(text)
        except ET.ParseError as e:
            raise ValueError(f"cannot parse the libvirt XML: {e}") from None
        if root.tag != cls.tag:
            raise ValueError(f"expected a <{cls.tag}> document, got <{root.tag}>")
        return cls.from_element(root)

    # -- writing --------------------------------------------------------

    def to_element(self) -> ET.Element:
        """This object as a new element tree."""
        el = ET.Element(self.tag)
        for m in self._members():
            if isinstance(m, XMLProperty):
                v = m.__get__(self, type(self))
                if v is not None:
                    m.write(el, v)
            elif isinstance(m, XMLChild):
                child = m.__get__(self, type(self))
                if child is not None:
                    m._parent(el).append(child.to_element())
            else:
                kids = m.__get__(self, type(self))
                if kids:
                    parent = m._parent(el)
                    parent.extend(k.to_element() for k in kids)
        return el

    def to_xml(self) -> str:
        """This object as indented XML text (ending in a newline)."""
        el = self.to_element()
        ET.indent(el, "  ")
        return ET.tostring(el, encoding="unicode") + "\n"

    # -- defaults -------------------------------------------------------

    def children(self) -> Iterator[XMLElement]:
        """Every child element object, in declaration order."""
        for m in self._members():
            if isinstance(m, XMLChild):
                child = m.__get__(self, type(self))
                if child is not None:
                    yield child
            elif isinstance(m, XMLChildren):
                yield from m.__get__(self, type(self))

    def set_defaults(self) -> None:
        """Fill unset values with this element's defaults, then the children's."""
        for child in self.children():
            child.set_defaults()


# ---------------------------------------------------------------------------
# <os>, <cpu>, <clock>, <features>
# ---------------------------------------------------------------------------


class DomainOS(XMLElement):
    """``<os>``: direct kernel boot of the appliance."""

    tag = "os"
    arch = XMLProperty("type/@arch")
    machine = XMLProperty("type/@machine")
    os_type = XMLProperty("type")
    kernel = XMLProperty("kernel")
    initrd = XMLProperty("initrd")
    cmdline = XMLProperty("cmdline")

    def set_defaults(self) -> None:
        """hvm on x86_64 q35, as the direct backend runs qemu."""
        if self.os_type is None:
            self.os_type = "hvm"
        if self.arch is None:
            self.arch = "x86_64"
        if self.machine is None:
            self.machine = "q35"
        super().set_defaults()


class DomainCPU(XMLElement):
    """``<cpu>``: the CPU model mode (``maximum`` under TCG, like ``-cpu max``)."""

    tag = "cpu"
    mode = XMLProperty("@mode")


class DomainFeatures(XMLElement):
    """``<features>``: ACPI and APIC (qemu has both on by default; libvirt does not)."""

    tag = "features"
    acpi = XMLProperty("acpi", "flag")
    apic = XMLProperty("apic", "flag")

    def set_defaults(self) -> None:
        """ACPI and APIC on."""
        if self.acpi is None:
            self.acpi = True
        if self.apic is None:
            self.apic = True
        super().set_defaults()


class DomainTimer(XMLElement):
    """``<timer>`` inside ``<clock>``."""

    tag = "timer"
    name = XMLProperty("@name")
    tickpolicy = XMLProperty("@tickpolicy")
    present = XMLProperty("@present", "yesno")


class DomainClock(XMLElement):
    """``<clock>``: UTC with the RTC catching up lost ticks (qemu ``driftfix=slew``)."""

    tag = "clock"
    offset = XMLProperty("@offset")
    timers = XMLChildren(DomainTimer)

    def set_defaults(self) -> None:
        """UTC and an RTC timer with ``catchup``."""
        if self.offset is None:
            self.offset = "utc"
        if not self.timers:
            self.timers.append(DomainTimer(name="rtc", tickpolicy="catchup"))
        super().set_defaults()


# ---------------------------------------------------------------------------
# devices
# ---------------------------------------------------------------------------


class DomainController(XMLElement):
    """``<controller>``: the virtio-scsi bus, or ``model='none'`` to drop USB."""

    tag = "controller"
    type = XMLProperty("@type")
    index = XMLProperty("@index", "int")
    model = XMLProperty("@model")


class DomainDisk(XMLElement):
    """``<disk>``: a guest's disk when reading, an appliance drive when writing."""

    tag = "disk"
    type = XMLProperty("@type")
    device = XMLProperty("@device")
    driver_name = XMLProperty("driver/@name")
    driver_type = XMLProperty("driver/@type")
    driver_cache = XMLProperty("driver/@cache")
    driver_discard = XMLProperty("driver/@discard")
    driver_copy_on_read = XMLProperty("driver/@copy_on_read", "onoff")
    source_file = XMLProperty("source/@file")
    source_dev = XMLProperty("source/@dev")
    source_dir = XMLProperty("source/@dir")
    source_pool = XMLProperty("source/@pool")
    source_volume = XMLProperty("source/@volume")
    source_protocol = XMLProperty("source/@protocol")
    source_name = XMLProperty("source/@name")
    # The image behind an overlay, and whether libvirt may relabel it.
    backing_type = XMLProperty("backingStore/@type")
    backing_format = XMLProperty("backingStore/format/@type")
    backing_file = XMLProperty("backingStore/source/@file")
    backing_dev = XMLProperty("backingStore/source/@dev")
    backing_seclabel_model = XMLProperty("backingStore/source/seclabel/@model")
    backing_seclabel_relabel = XMLProperty("backingStore/source/seclabel/@relabel", "yesno")
    target_dev = XMLProperty("target/@dev")
    target_bus = XMLProperty("target/@bus")
    readonly = XMLProperty("readonly", "flag")
    shareable = XMLProperty("shareable", "flag")
    blockio_logical = XMLProperty("blockio/@logical_block_size", "int")
    blockio_physical = XMLProperty("blockio/@physical_block_size", "int")
    alias_name = XMLProperty("alias/@name")
    address_type = XMLProperty("address/@type")
    address_controller = XMLProperty("address/@controller", "int")
    address_bus = XMLProperty("address/@bus", "int")
    address_target = XMLProperty("address/@target", "int")
    address_unit = XMLProperty("address/@unit", "int")

    @property
    def source_path(self) -> str | None:
        """The local path of a ``file`` or ``block`` disk."""
        path = self.source_file or self.source_dev
        return str(path) if path else None

    def set_defaults(self) -> None:
        """A file disk driven by qemu."""
        if self.type is None:
            self.type = "file"
        if self.device is None:
            self.device = "disk"
        if self.driver_name is None:
            self.driver_name = "qemu"
        super().set_defaults()


class _Chardev(XMLElement):
    """Fields shared by ``<serial>`` and ``<channel>``."""

    type = XMLProperty("@type")
    source_mode = XMLProperty("source/@mode")
    source_path = XMLProperty("source/@path")

    def set_defaults(self) -> None:
        """A unix socket qemu connects to (the library listens)."""
        if self.type is None:
            self.type = "unix"
        if self.source_mode is None:
            self.source_mode = "connect"
        super().set_defaults()


class DomainSerial(_Chardev):
    """``<serial>``: the appliance's console (ttyS0)."""

    tag = "serial"
    target_port = XMLProperty("target/@port", "int")

    def set_defaults(self) -> None:
        """Port 0 (ttyS0)."""
        if self.target_port is None:
            self.target_port = 0
        super().set_defaults()


class DomainChannel(_Chardev):
    """``<channel>``: the virtio-serial port the daemon talks on."""

    tag = "channel"
    target_type = XMLProperty("target/@type")
    target_name = XMLProperty("target/@name")

    def set_defaults(self) -> None:
        """A virtio-serial port."""
        if self.target_type is None:
            self.target_type = "virtio"
        super().set_defaults()


class DomainRNG(XMLElement):
    """``<rng>``: virtio-rng fed from the host's ``/dev/urandom``."""

    tag = "rng"
    model = XMLProperty("@model")
    backend_model = XMLProperty("backend/@model")
    backend_device = XMLProperty("backend")

    def set_defaults(self) -> None:
        """virtio, from /dev/urandom."""
        if self.model is None:
            self.model = "virtio"
        if self.backend_model is None:
            self.backend_model = "random"
        if self.backend_device is None:
            self.backend_device = "/dev/urandom"
        super().set_defaults()


class DomainInterface(XMLElement):
    """``<interface type='user'>``: the appliance's user-mode network
    (``set_network(True)``), virtio, on the same 169.254.0.0/16 net as the
    direct backend's."""

    tag = "interface"
    type = XMLProperty("@type")
    model = XMLProperty("model/@type")
    ip_family = XMLProperty("ip/@family")
    ip_address = XMLProperty("ip/@address")
    ip_prefix = XMLProperty("ip/@prefix", "int")

    def set_defaults(self) -> None:
        """User networking, virtio, 169.254.0.0/16."""
        if self.type is None:
            self.type = "user"
        if self.model is None:
            self.model = "virtio"
        if self.ip_address is None:
            self.ip_family, self.ip_address, self.ip_prefix = "ipv4", "169.254.0.0", 16
        super().set_defaults()


class DomainMemballoon(XMLElement):
    """``<memballoon>``: ``none``, or libvirt adds a balloon device."""

    tag = "memballoon"
    model = XMLProperty("@model")


class DomainSeclabel(XMLElement):
    """``<seclabel>``: how libvirt labels (and chowns) qemu and its files."""

    tag = "seclabel"
    type = XMLProperty("@type")
    model = XMLProperty("@model")
    relabel = XMLProperty("@relabel", "yesno")
    label = XMLProperty("label")
    imagelabel = XMLProperty("imagelabel")


# ---------------------------------------------------------------------------
# <domain>
# ---------------------------------------------------------------------------


class DomainXML(XMLElement):
    """``<domain>``: the whole appliance VM (or the parts of a guest we read)."""

    tag = "domain"
    type = XMLProperty("@type")
    name = XMLProperty("name")
    uuid = XMLProperty("uuid")
    memory = XMLProperty("memory", "int")
    memory_unit = XMLProperty("memory/@unit")
    vcpu = XMLProperty("vcpu", "int")
    os = XMLChild(DomainOS)
    features = XMLChild(DomainFeatures)
    cpu = XMLChild(DomainCPU)
    clock = XMLChild(DomainClock)
    on_poweroff = XMLProperty("on_poweroff")
    on_reboot = XMLProperty("on_reboot")
    on_crash = XMLProperty("on_crash")
    emulator = XMLProperty("devices/emulator")
    controllers = XMLChildren(DomainController, "devices")
    disks = XMLChildren(DomainDisk, "devices")
    serials = XMLChildren(DomainSerial, "devices")
    channels = XMLChildren(DomainChannel, "devices")
    rngs = XMLChildren(DomainRNG, "devices")
    interfaces = XMLChildren(DomainInterface, "devices")
    memballoon = XMLChild(DomainMemballoon, "devices")
    seclabels = XMLChildren(DomainSeclabel)

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        #: Aliases (``ua-…``) of disks whose qemu device must share writes.
        self.share_rw_aliases: list[str] = []
        #: Extra qemu arguments (the handle's ``config`` parameters), passed
        #: as ``<qemu:commandline>``, as stock's libvirt backend does.
        self.qemu_args: list[str] = []

    def to_element(self) -> ET.Element:
        """The domain, plus ``<qemu:override>`` for the devices that share
        writes and ``<qemu:commandline>`` for the user's qemu arguments.

        libvirt refuses ``<shareable/>`` on qcow2 disks (our overlays), so
        the device property is set through libvirt's qemu namespace.
        """
        el = super().to_element()
        if self.qemu_args:
            cmdline = ET.SubElement(el, f"{{{QEMU_NS}}}commandline")
            for arg in self.qemu_args:
                ET.SubElement(cmdline, f"{{{QEMU_NS}}}arg", value=arg)
        if self.share_rw_aliases:
            override = ET.SubElement(el, f"{{{QEMU_NS}}}override")
            for alias in self.share_rw_aliases:
                dev = ET.SubElement(override, f"{{{QEMU_NS}}}device", alias=alias)
                front = ET.SubElement(dev, f"{{{QEMU_NS}}}frontend")
                ET.SubElement(front, f"{{{QEMU_NS}}}property", name="share-rw", type="bool", value="true")
        return el

    def set_defaults(self) -> None:
        """What every appliance domain has: TCG, one vCPU, no USB, no balloon,
        and destroyed (not restarted) when it stops."""
        if self.type is None:
            self.type = "qemu"
        if self.memory_unit is None and self.memory is not None:
            self.memory_unit = "MiB"
        if self.vcpu is None:
            self.vcpu = 1
        if self.os is None:
            self.os = DomainOS()
        if self.features is None:
            self.features = DomainFeatures()
        if self.cpu is None:
            # 'maximum' is qemu's "-cpu max" (TCG); KVM passes the host's CPU.
            self.cpu = DomainCPU(mode="host-passthrough" if self.type == "kvm" else "maximum")
        if self.clock is None:
            self.clock = DomainClock()
        for event in ("on_poweroff", "on_reboot", "on_crash"):
            if getattr(self, event) is None:
                setattr(self, event, "destroy")
        if not any(c.type == "usb" for c in self.controllers):
            self.controllers.append(DomainController(type="usb", model="none"))
        if self.memballoon is None:
            self.memballoon = DomainMemballoon(model="none")
        super().set_defaults()
