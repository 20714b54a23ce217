"""
I/O-boundary stand-in for the `ismrmrd` Python package (not installable here:
PyPI is unreachable and Debian ships no python3-ismrmrd).

Only what the Lin & Heckel converters touch is provided:
  ismrmrd.Dataset(path, [dataset_name], create_if_needed=...)
      .read_xml_header() -> bytes
      .number_of_acquisitions() -> int
      .read_acquisition(i) -> object with .data (complex64, [channels, samples])
                                         and .idx (encoding counters)
      .read_array(name, index)
      .close()
  ismrmrd.xsd.CreateFromDocument(xml) -> attribute tree mimicking the pyxb
      object (header.encoding[0].encodedSpace.matrixSize.x, ...,
      header.userParameters.userParameterLong -> entries with .name/.value_)

Files are written/read in a layout modelled on the ISMRMRD v1 HDF5 layout:
  /<dataset>/xml   : vlen str, shape (1,)
  /<dataset>/data  : compound {head: AcquisitionHeader, traj: vlen float32,
                               data: vlen float32 (interleaved re/im,
                               channel-major: [ch][sample])}
  /<dataset>/<arr> : plain arrays for read_array (e.g. rec_std, shape (1, C))
This layout was not validated against libismrmrd; it is a test fixture.
No numeric step of the paper's converters lives here.
"""
import sys
import types
import re
import xml.etree.ElementTree as ET

import numpy as np
import h5py

NS = "http://www.ismrm.org/ISMRMRD"

# --------------------------------------------------------------------------
# HDF5 compound types (modelled on ISMRMRD v1 AcquisitionHeader)
# --------------------------------------------------------------------------
ENC_COUNTERS = np.dtype([
    ("kspace_encode_step_1", "<u2"), ("kspace_encode_step_2", "<u2"),
    ("average", "<u2"), ("slice", "<u2"), ("contrast", "<u2"),
    ("phase", "<u2"), ("repetition", "<u2"), ("set", "<u2"),
    ("segment", "<u2"), ("user", "<u2", (8,)),
])
ACQ_HEADER = np.dtype([
    ("version", "<u2"), ("flags", "<u8"), ("measurement_uid", "<u4"),
    ("scan_counter", "<u4"), ("acquisition_time_stamp", "<u4"),
    ("physiology_time_stamp", "<u4", (3,)), ("number_of_samples", "<u2"),
    ("available_channels", "<u2"), ("active_channels", "<u2"),
    ("channel_mask", "<u8", (16,)), ("discard_pre", "<u2"),
    ("discard_post", "<u2"), ("center_sample", "<u2"),
    ("encoding_space_ref", "<u2"), ("trajectory_dimensions", "<u2"),
    ("sample_time_us", "<f4"), ("position", "<f4", (3,)),
    ("read_dir", "<f4", (3,)), ("phase_dir", "<f4", (3,)),
    ("slice_dir", "<f4", (3,)), ("patient_table_position", "<f4", (3,)),
    ("idx", ENC_COUNTERS), ("user_int", "<i4", (8,)), ("user_float", "<f4", (8,)),
])
VLEN_F32 = h5py.vlen_dtype(np.dtype("<f4"))
ACQ = np.dtype([("head", ACQ_HEADER), ("traj", VLEN_F32), ("data", VLEN_F32)])


def write_ismrmrd_like(path, xml, acqs, arrays=None, dataset_name="dataset"):
    """acqs: list of dicts {data: complex [C, N], idx: {counter: value}}."""
    rec = np.zeros(len(acqs), dtype=ACQ)
    head = rec["head"]          # views into rec
    idx = head["idx"]
    for i, a in enumerate(acqs):
        d = np.asarray(a["data"], dtype=np.complex64)
        C, N = d.shape
        head["version"][i] = 1
        head["scan_counter"][i] = i
        head["number_of_samples"][i] = N
        head["available_channels"][i] = C
        head["active_channels"][i] = C
        for k, v in a["idx"].items():
            idx[k][i] = v
        inter = np.empty((C, N, 2), dtype=np.float32)
        inter[..., 0] = d.real
        inter[..., 1] = d.imag
        rec["data"][i] = inter.reshape(-1)
        rec["traj"][i] = np.zeros(0, dtype=np.float32)
    with h5py.File(path, "w") as f:
        g = f.create_group(dataset_name)
        g.create_dataset("xml", data=np.array([xml], dtype=h5py.string_dtype()))
        g.create_dataset("data", data=rec)
        for k, v in (arrays or {}).items():
            g.create_dataset(k, data=v)


class _Idx:
    def __init__(self, rec):
        for name in ENC_COUNTERS.names:
            v = rec[name]
            setattr(self, name, int(v) if np.ndim(v) == 0 else np.array(v))


class _Acquisition:
    def __init__(self, rec):
        head = rec["head"]
        C = int(head["active_channels"])
        N = int(head["number_of_samples"])
        raw = np.asarray(rec["data"], dtype=np.float32).reshape(C, N, 2)
        self.data = (raw[..., 0] + 1j * raw[..., 1]).astype(np.complex64)
        self.idx = _Idx(head["idx"])
        self.number_of_samples = N
        self.active_channels = C


class Dataset:
    def __init__(self, filename, dataset_name="dataset", create_if_needed=True):
        self._file = h5py.File(str(filename), "r")
        self._ds = self._file[dataset_name]

    def read_xml_header(self):
        x = self._ds["xml"][0]
        return x if isinstance(x, bytes) else x.encode()

    def number_of_acquisitions(self):
        return len(self._ds["data"])

    def read_acquisition(self, i):
        return _Acquisition(self._ds["data"][i])

    def read_array(self, name, index):
        if name not in self._ds:
            raise LookupError(name)
        return self._ds[name][index]

    def close(self):
        self._file.close()


# --------------------------------------------------------------------------
# header: attribute tree with pyxb-like access
# --------------------------------------------------------------------------
def _convert(text):
    t = (text or "").strip()
    if re.fullmatch(r"[+-]?\d+", t):
        return int(t)
    try:
        return float(t)
    except ValueError:
        return t


class _NodeList(list):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if not self:
            raise AttributeError("element absent: " + name)
        return getattr(self[0], name)


class _Node:
    def __init__(self, el):
        self._el = el
        self._children = {}
        for c in el:
            tag = c.tag.split("}")[-1]
            self._children.setdefault(tag, []).append(c)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        key = name[:-1] if name.endswith("_") and name[:-1] in self._children else name
        els = self._children.get(key, [])
        if len(els) == 1 and len(els[0]) == 0 and (els[0].text or "").strip():
            return _convert(els[0].text)
        return _NodeList(_Node(e) for e in els)


def CreateFromDocument(xml):
    if isinstance(xml, bytes):
        xml = xml.decode()
    return _Node(ET.fromstring(xml))


def install():
    """Register the stand-in as `ismrmrd` / `ismrmrd.xsd` in sys.modules."""
    mod = types.ModuleType("ismrmrd")
    mod.__doc__ = "I/O stub (tools/golden/presets/ismrmrd_io_stub.py)"
    mod.Dataset = Dataset
    xsd = types.ModuleType("ismrmrd.xsd")
    xsd.CreateFromDocument = CreateFromDocument
    mod.xsd = xsd
    sys.modules["ismrmrd"] = mod
    sys.modules["ismrmrd.xsd"] = xsd
    return mod


# --------------------------------------------------------------------------
# header builder used by the generator
# --------------------------------------------------------------------------
def make_header(enc, recon, limits, channels, user_long=None, field_T=3.0,
                model="TestModel", vendor="TestVendor", protocol="test"):
    """enc/recon: (x, y, z); limits: {name: (min, max, center)}."""
    def lim(name, v):
        return (f"<{name}><minimum>{v[0]}</minimum><maximum>{v[1]}</maximum>"
                f"<center>{v[2]}</center></{name}>")
    lims = "".join(lim(k, v) for k, v in limits.items())
    ups = ""
    if user_long is not None:
        ups = "<userParameters>" + "".join(
            f"<userParameterLong><name>{k}</name><value>{v}</value></userParameterLong>"
            for k, v in user_long.items()) + "</userParameters>"
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n'
        f'<ismrmrdHeader xmlns="{NS}">'
        f"<measurementInformation><protocolName>{protocol}</protocolName></measurementInformation>"
        f"<acquisitionSystemInformation><systemVendor>{vendor}</systemVendor>"
        f"<systemModel>{model}</systemModel><systemFieldStrength_T>{field_T}</systemFieldStrength_T>"
        f"<receiverChannels>{channels}</receiverChannels></acquisitionSystemInformation>"
        f"<experimentalConditions><H1resonanceFrequency_Hz>127000000</H1resonanceFrequency_Hz></experimentalConditions>"
        f"<encoding><encodedSpace><matrixSize><x>{enc[0]}</x><y>{enc[1]}</y><z>{enc[2]}</z></matrixSize>"
        f"<fieldOfView_mm><x>200</x><y>200</y><z>5</z></fieldOfView_mm></encodedSpace>"
        f"<reconSpace><matrixSize><x>{recon[0]}</x><y>{recon[1]}</y><z>{recon[2]}</z></matrixSize>"
        f"<fieldOfView_mm><x>200</x><y>200</y><z>5</z></fieldOfView_mm></reconSpace>"
        f"<encodingLimits>{lims}</encodingLimits><trajectory>cartesian</trajectory></encoding>"
        f"{ups}</ismrmrdHeader>"
    )
