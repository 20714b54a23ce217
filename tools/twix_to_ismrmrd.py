#!/usr/bin/env python3
"""Convert a Siemens twix (.dat) Cartesian raw-data file to an ISMRMRD (MRD v1) HDF5 file.

Pure Python: needs numpy, h5py (Debian python3-numpy / python3-h5py) and the pure-python
twix reader `twixtools` (https://github.com/pehses/twixtools, MIT) on PYTHONPATH.

Layout written (identical HDF5 types to those libismrmrd 1.8 writes, checked against
`ismrmrd_generate_cartesian_shepp_logan` output):
  /dataset/xml   : 1 x variable-length ASCII string (ISMRMRD XML header)
  /dataset/data  : N x compound {head: AcquisitionHeader, traj: vlen float32, data: vlen float32}
                   data = interleaved (re, im) float32, channel-major: [channel][sample]

Mapping follows siemens_to_ismrmrd where it matters:
  * loop counters  cLin->kspace_encode_step_1, cPar->kspace_encode_step_2, cSlc->slice,
    cEco->contrast, cPhs->phase, cRep->repetition, cSet->set, cSeg->segment, cAve->average
  * orientation    Siemens quaternion (W,X,Y,Z) -> quat=(X,Y,Z,W) ->
                   ismrmrd_quaternion_to_directions(quat, phase_dir, read_dir, slice_dir)
  * flags          noise scans -> ACQ_IS_NOISE_MEASUREMENT, REFLECT -> ACQ_IS_REVERSE,
                   first/last in slice/measurement from the MDH eval-info mask.
No subject/patient information is copied into the XML header.

Usage:
  PYTHONPATH=/path/to/twixtools python3 twix_to_ismrmrd.py in.dat out.h5 \
      [--tr-ms 48] [--te-ms 12.4] [--flip-deg 8] [--seq-type FLASH] [--meas -1]
"""
import argparse
import sys
import xml.sax.saxutils as sx

import h5py
import numpy as np
import twixtools

# ---- ISMRMRD HDF5 compound types (as written by libismrmrd 1.8) -----------------------
ENC_COUNTERS = np.dtype([
    ('kspace_encode_step_1', '<u2'), ('kspace_encode_step_2', '<u2'), ('average', '<u2'),
    ('slice', '<u2'), ('contrast', '<u2'), ('phase', '<u2'), ('repetition', '<u2'),
    ('set', '<u2'), ('segment', '<u2'), ('user', '<u2', (8,))])
ACQ_HEADER = np.dtype([
    ('version', '<u2'), ('flags', '<u8'), ('measurement_uid', '<u4'), ('scan_counter', '<u4'),
    ('acquisition_time_stamp', '<u4'), ('physiology_time_stamp', '<u4', (3,)),
    ('number_of_samples', '<u2'), ('available_channels', '<u2'), ('active_channels', '<u2'),
    ('channel_mask', '<u8', (16,)), ('discard_pre', '<u2'), ('discard_post', '<u2'),
    ('center_sample', '<u2'), ('encoding_space_ref', '<u2'), ('trajectory_dimensions', '<u2'),
    ('sample_time_us', '<f4'), ('position', '<f4', (3,)), ('read_dir', '<f4', (3,)),
    ('phase_dir', '<f4', (3,)), ('slice_dir', '<f4', (3,)),
    ('patient_table_position', '<f4', (3,)), ('idx', ENC_COUNTERS),
    ('user_int', '<i4', (8,)), ('user_float', '<f4', (8,))])
# outer compound padded like the C struct (head 340 bytes, hvl_t fields 8-byte aligned)
ACQUISITION = np.dtype({'names': ['head', 'traj', 'data'],
                        'formats': [ACQ_HEADER, h5py.vlen_dtype(np.dtype('<f4')), h5py.vlen_dtype(np.dtype('<f4'))],
                        'offsets': [0, 344, 360], 'itemsize': 376})

# ISMRMRD acquisition flag bit numbers (flag value = 1 << (bit-1))
ACQ_FIRST_IN_SLICE = 7
ACQ_LAST_IN_SLICE = 8
ACQ_IS_NOISE_MEASUREMENT = 19
ACQ_IS_PARALLEL_CALIBRATION = 20
ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING = 21
ACQ_IS_REVERSE = 22
ACQ_LAST_IN_MEASUREMENT = 25


def flag(bit):
    return np.uint64(1) << np.uint64(bit - 1)


def quaternion_to_directions(q):
    """ismrmrd_quaternion_to_directions(); returns (read, phase, slice) for quat=(a,b,c,d)."""
    a, b, c, d = q
    read = [1 - 2 * (b * b + c * c), 2 * (a * b + c * d), 2 * (a * c - b * d)]
    phase = [2 * (a * b - c * d), 1 - 2 * (a * a + c * c), 2 * (b * c + a * d)]
    slc = [2 * (a * c + b * d), 2 * (b * c - a * d), 1 - 2 * (a * a + b * b)]
    return read, phase, slc


def siemens_dirs(wxyz):
    w, x, y, z = [float(v) for v in wxyz]
    # siemens_to_ismrmrd passes (phase_dir, read_dir, slice_dir) as (read, phase, slice) outputs
    first, second, third = quaternion_to_directions((x, y, z, w))
    return second, first, third  # read_dir, phase_dir, slice_dir


def get(d, *keys, default=None):
    for k in keys:
        if isinstance(d, dict) and k in d:
            d = d[k]
        elif isinstance(d, list) and isinstance(k, int) and k < len(d):
            d = d[k]
        else:
            return default
    return d


def build_xml(meas, acqs, args):
    hdr = meas['hdr']
    yaps = hdr['MeasYaps']
    dicom = hdr.get('Dicom', {})
    slc0 = get(yaps, 'sSliceArray', 'asSlice', 0, default={})
    img = [a for a in acqs if not a['noise']]
    ncol = img[0]['ncol']
    nch = img[0]['nch']
    os_factor = float(dicom.get('flReadoutOSFactor') or 1.0)
    e1 = [a['lin'] for a in img]
    e2 = [a['par'] for a in img]
    fov_ro = float(slc0.get('dReadoutFOV', 0.0))
    fov_pe = float(slc0.get('dPhaseFOV', 0.0))
    thick = float(slc0.get('dThickness', 0.0))
    ny = max(e1) + 1
    nz = max(e2) + 1
    nslc = max(a['slc'] for a in img) + 1
    freq = int(get(yaps, 'sTXSPEC', 'asNucleusInfo', 0, 'lFrequency', default=0) or dicom.get('lFrequency', 0))
    b0 = get(yaps, 'sProtConsistencyInfo', 'flNominalB0', default=dicom.get('flMagneticFieldStrength'))
    coils = get(yaps, 'sCoilSelectMeas', 'aRxCoilSelectData', 0, 'asList', default=[])
    coil_names = [get(c, 'sCoilElementID', 'tElement', default='') for c in coils]

    def lim(name, vals, center):
        return (f'      <{name}><minimum>{min(vals)}</minimum><maximum>{max(vals)}</maximum>'
                f'<center>{center}</center></{name}>\n')

    x = ['<?xml version="1.0"?>\n',
         '<ismrmrdHeader xmlns="http://www.ismrm.org/ISMRMRD" '
         'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
         'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
         'xsi:schemaLocation="http://www.ismrm.org/ISMRMRD ismrmrd.xsd">\n',
         '  <measurementInformation>\n',
         f'    <patientPosition>{sx.escape(str(dicom.get("tPatientPosition") or "HFS"))}</patientPosition>\n',
         f'    <protocolName>{sx.escape(str(yaps.get("tProtocolName", "")))}</protocolName>\n',
         '  </measurementInformation>\n',
         '  <acquisitionSystemInformation>\n',
         f'    <systemVendor>{sx.escape(str(dicom.get("Manufacturer", "Siemens")))}</systemVendor>\n',
         f'    <systemModel>{sx.escape(str(dicom.get("ManufacturersModelName", "")))}</systemModel>\n']
    if b0:
        x.append(f'    <systemFieldStrength_T>{float(b0):.6f}</systemFieldStrength_T>\n')
    x.append(f'    <receiverChannels>{nch}</receiverChannels>\n')
    for i, n in enumerate(coil_names[:nch]):
        x.append(f'    <coilLabel><coilNumber>{i}</coilNumber><coilName>{sx.escape(str(n))}</coilName></coilLabel>\n')
    x += ['  </acquisitionSystemInformation>\n',
          '  <experimentalConditions>\n',
          f'    <H1resonanceFrequency_Hz>{freq}</H1resonanceFrequency_Hz>\n',
          '  </experimentalConditions>\n',
          '  <encoding>\n',
          '    <encodedSpace>\n',
          f'      <matrixSize><x>{ncol}</x><y>{ny}</y><z>{nz}</z></matrixSize>\n',
          f'      <fieldOfView_mm><x>{fov_ro * os_factor:.6f}</x><y>{fov_pe:.6f}</y><z>{thick:.6f}</z></fieldOfView_mm>\n',
          '    </encodedSpace>\n',
          '    <reconSpace>\n',
          f'      <matrixSize><x>{int(round(ncol / os_factor))}</x><y>{ny}</y><z>{nz}</z></matrixSize>\n',
          f'      <fieldOfView_mm><x>{fov_ro:.6f}</x><y>{fov_pe:.6f}</y><z>{thick:.6f}</z></fieldOfView_mm>\n',
          '    </reconSpace>\n',
          '    <encodingLimits>\n',
          # MDH CenterLin is 0 in Pulseq-interpreter data; fall back to ny//2 then
          lim('kspace_encoding_step_1', e1, img[0]['center_lin'] if img[0]['center_lin'] > 0 else ny // 2),
          lim('kspace_encoding_step_2', e2, nz // 2),
          lim('average', [a['ave'] for a in img], 0),
          lim('slice', [a['slc'] for a in img], 0),
          lim('contrast', [a['eco'] for a in img], 0),
          lim('phase', [a['phs'] for a in img], 0),
          lim('repetition', [a['rep'] for a in img], 0),
          lim('set', [a['set'] for a in img], 0),
          lim('segment', [a['seg'] for a in img], 0),
          '    </encodingLimits>\n',
          '    <trajectory>cartesian</trajectory>\n',
          '  </encoding>\n']
    seq = []
    if args.tr_ms is not None:
        seq.append(f'    <TR>{args.tr_ms}</TR>\n')
    if args.te_ms is not None:
        seq.append(f'    <TE>{args.te_ms}</TE>\n')
    if args.flip_deg is not None:
        seq.append(f'    <flipAngle_deg>{args.flip_deg}</flipAngle_deg>\n')
    if args.seq_type:
        seq.append(f'    <sequence_type>{sx.escape(args.seq_type)}</sequence_type>\n')
    if seq:
        x += ['  <sequenceParameters>\n'] + seq + ['  </sequenceParameters>\n']
    x.append('</ismrmrdHeader>\n')
    del nslc
    return ''.join(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('twix')
    ap.add_argument('out')
    ap.add_argument('--meas', type=int, default=-1, help='measurement index in a multi-raid file (default: last)')
    ap.add_argument('--tr-ms', type=float)
    ap.add_argument('--te-ms', type=float)
    ap.add_argument('--flip-deg', type=float)
    ap.add_argument('--seq-type')
    args = ap.parse_args()

    meas = twixtools.read_twix(args.twix, verbose=False)[args.meas]
    yaps = meas['hdr']['MeasYaps']
    dwell_ns = get(yaps, 'sRXSPEC', 'alDwellTime', 0, default=0) or 0

    acqs = []
    for mdb in meas['mdb']:
        if mdb.is_flag_set('ACQEND') or mdb.is_flag_set('SYNCDATA'):
            continue
        noise = mdb.is_flag_set('NOISEADJSCAN')
        pat_ref = mdb.is_flag_set('PATREFSCAN')
        if not (noise or pat_ref or mdb.is_image_scan()):
            continue  # skip navigators / phase-correction / other non-image scans
        data = np.ascontiguousarray(mdb.data, dtype=np.complex64)  # [channels, samples]
        nch, ncol = data.shape
        h = mdb.mdh
        acqs.append(dict(
            noise=noise, data=data, nch=nch, ncol=ncol,
            lin=int(mdb.cLin), par=int(mdb.cPar), slc=int(mdb.cSlc), eco=int(mdb.cEco),
            phs=int(mdb.cPhs), rep=int(mdb.cRep), set=int(mdb.cSet), seg=int(mdb.cSeg),
            ave=int(mdb.cAve), center_lin=int(h.CenterLin),
            center_col=int(h.CenterCol), cut_pre=int(h.CutOff.Pre), cut_post=int(h.CutOff.Post),
            uid=int(h.MeasUID), scan_counter=int(h.ScanCounter), ts=int(h.TimeStamp),
            pmu=int(h.PMUTimeStamp),
            pos=(h.SliceData.SlicePos.Sag, h.SliceData.SlicePos.Cor, h.SliceData.SlicePos.Tra),
            quat=list(h.SliceData.Quaternion),
            ptab=(h.PTABPosX, h.PTABPosY, h.PTABPosZ),
            reflect=mdb.is_flag_set('REFLECT'),
            first_slc=mdb.is_flag_set('FIRSTSCANINSLICE'), last_slc=mdb.is_flag_set('LASTSCANINSLICE'),
            last_meas=mdb.is_flag_set('LASTSCANINMEAS'),
            pat_ref=pat_ref, pat_ref_img=mdb.is_flag_set('PATREFANDIMASCAN')))
    if not any(not a['noise'] for a in acqs):
        sys.exit('no imaging scans found')

    n = len(acqs)
    head = np.zeros(n, dtype=ACQ_HEADER)
    idx = np.zeros(n, dtype=ENC_COUNTERS)
    for i, a in enumerate(acqs):
        f = np.uint64(0)
        for cond, bit in ((a['noise'], ACQ_IS_NOISE_MEASUREMENT), (a['first_slc'], ACQ_FIRST_IN_SLICE),
                          (a['last_slc'], ACQ_LAST_IN_SLICE), (a['last_meas'], ACQ_LAST_IN_MEASUREMENT),
                          (a['reflect'], ACQ_IS_REVERSE),
                          (a['pat_ref'] and a['pat_ref_img'], ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING),
                          (a['pat_ref'] and not a['pat_ref_img'], ACQ_IS_PARALLEL_CALIBRATION)):
            if cond:
                f |= flag(bit)
        mask = np.zeros(16, np.uint64)
        for c in range(a['nch']):
            mask[c // 64] |= np.uint64(1) << np.uint64(c % 64)
        rd, pd, sd = siemens_dirs(a['quat'])
        vals = dict(version=1, flags=f, measurement_uid=a['uid'], scan_counter=a['scan_counter'],
                    acquisition_time_stamp=a['ts'], physiology_time_stamp=(a['pmu'], 0, 0),
                    number_of_samples=a['ncol'], available_channels=a['nch'], active_channels=a['nch'],
                    channel_mask=mask, discard_pre=a['cut_pre'], discard_post=a['cut_post'],
                    center_sample=a['center_col'], encoding_space_ref=0, trajectory_dimensions=0,
                    sample_time_us=dwell_ns / 1000.0, position=a['pos'], read_dir=rd, phase_dir=pd,
                    slice_dir=sd, patient_table_position=a['ptab'])
        for k, v in vals.items():
            head[k][i] = v
        if not a['noise']:
            for k, key in (('kspace_encode_step_1', 'lin'), ('kspace_encode_step_2', 'par'), ('average', 'ave'),
                           ('slice', 'slc'), ('contrast', 'eco'), ('phase', 'phs'), ('repetition', 'rep'),
                           ('set', 'set'), ('segment', 'seg')):
                idx[k][i] = a[key]
    head['idx'] = idx
    # The <version> element is omitted on purpose: it is optional, and libismrmrd rejects a
    # header whose version differs from its own schema version.
    arr = np.zeros(n, dtype=ACQUISITION)
    arr['head'] = head
    for i, a in enumerate(acqs):
        arr['traj'][i] = np.zeros(0, np.float32)
        arr['data'][i] = a['data'].view(np.float32).ravel()  # [ch][sample] interleaved re/im

    xml = build_xml(meas, acqs, args)
    with h5py.File(args.out, 'w') as f:
        g = f.create_group('dataset')
        g.create_dataset('xml', data=np.array([xml.encode('ascii')], dtype=object),
                         dtype=h5py.string_dtype('ascii'))
        g.create_dataset('data', data=arr, maxshape=(None,), chunks=True)
    nimg = sum(not a['noise'] for a in acqs)
    print(f'wrote {args.out}: {len(acqs)} acquisitions ({nimg} imaging, {len(acqs) - nimg} noise), '
          f'{acqs[-1]["nch"]} channels x {acqs[-1]["ncol"]} samples')


if __name__ == '__main__':
    main()
