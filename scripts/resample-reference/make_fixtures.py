#!/usr/bin/env python3
"""
Reference outputs for PyRadiomics's resampleImage with `interpolator: sitkLinear`
(workers/radiomics/fixtures-resample/, checked by workers/radiomics/resample-linear.test.ts).

Run (Debian 12: libinsighttoolkit5-dev 5.2.1, python3-numpy), from the repository root:
  g++ -O2 -std=c++17 -I/usr/include/ITK-5.2 scripts/resample-reference/resample_linear.cxx -o /tmp/resample_linear \
      -lITKTransform-5.2 -lITKCommon-5.2 -lITKIOImageBase-5.2 -lITKIONRRD-5.2 -lITKNrrdIO-5.2 -litksys-5.2 -litkvnl-5.2 -litkvnl_algo-5.2
  /usr/bin/python3 scripts/resample-reference/make_fixtures.py /tmp/resample_linear ../shared

The resampling grid is computed here, step by step as PyRadiomics's resampleImage and
_checkROI compute it (AIM-Harvard/pyradiomics radiomics/imageoperations.py, commit
8ed579383b44806651c463d5e691f3b2b57522ab), in numpy; the one ITK call PyRadiomics makes for
it (maskNode.TransformContinuousIndexToPhysicalPoint) and the mask's spacing and direction
as ITK reads them come from the C++ program's index-to-point mode. The image is then
resampled with ITK's linear interpolator, the mask with nearest neighbour, onto that grid
(resample_linear.cxx), both with default value 0 and the input's pixel type, as SimpleITK does
for PyRadiomics. Nothing is taken from our TypeScript code.
"""
import gzip, json, os, subprocess, sys
import numpy as np

program, shared = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.normpath(os.path.join(here, '../..'))
out_dir = os.path.join(repo, 'workers/radiomics/fixtures-resample')
os.makedirs(out_dir, exist_ok=True)
data_dir = os.path.join(shared, 'conformance/pyradiomics/data')

DTYPES = {'short': '<i2', 'int': '<i4', 'float': '<f4'}


def read_nrrd(path):
    raw = open(path, 'rb').read()
    head, data = raw.split(b'\n\n', 1)
    fields = dict(l.split(': ', 1) for l in head.decode().splitlines()[1:] if ': ' in l and not l.startswith('#'))
    assert fields['encoding'] == 'gzip' and fields['endian'] == 'little', fields
    size = [int(s) for s in fields['sizes'].split()]
    arr = np.frombuffer(gzip.decompress(data), dtype=DTYPES[fields['type']]).reshape(size[::-1])
    return fields, arr


def itk_geometry(path, cindex=(0.0, 0.0, 0.0)):
    """ITK's spacing, origin, direction of the file and TransformContinuousIndexToPhysicalPoint(cindex)."""
    out = subprocess.run([program, 'index-to-point', path] + [repr(float(c)) for c in cindex],
                         check=True, capture_output=True, text=True).stdout
    rows = {l.split()[0]: [float(v) for v in l.split()[1:]] for l in out.splitlines()}
    return rows


def rel(path):
    return os.path.relpath(path, repo)


def write_crop(image_path, lo, hi, nrrd_type, convert, out_path):
    """convert(short image as float64) as `nrrd_type` on the index box [lo, hi] (inclusive), origin moved there."""
    fields, arr = read_nrrd(image_path)
    g = itk_geometry(image_path, lo)
    crop = convert(arr[lo[2]:hi[2] + 1, lo[1]:hi[1] + 1, lo[0]:hi[0] + 1].astype(np.float64)).astype(DTYPES[nrrd_type])
    header = ['NRRD0004', 'type: ' + nrrd_type, 'dimension: 3', 'space: left-posterior-superior',
              'sizes: ' + ' '.join(str(hi[a] - lo[a] + 1) for a in range(3)),
              'space directions: ' + fields['space directions'], 'kinds: domain domain domain',
              'endian: little', 'encoding: gzip',
              'space origin: (' + ','.join(repr(v) for v in g['point']) + ')']
    with open(out_path, 'wb') as f:
        f.write(('\n'.join(header) + '\n\n').encode())
        f.write(gzip.compress(crop.tobytes(), mtime=0))


def pyradiomics_grid(mask_path, resampled_spacing, pad_distance=5, label=1):
    """resampleImage's grid (image and mask share the geometry in these cases)."""
    _, mask = read_nrrd(mask_path)
    g = itk_geometry(mask_path)
    mask_spacing = np.array(g['spacing'])
    mask_size = np.array(mask.shape[::-1])
    # LabelShapeStatisticsImageFilter.GetBoundingBox(label): (L_x, L_y, L_z, S_x, S_y, S_z)
    z, y, x = np.nonzero(mask == label)
    lower = np.array([x.min(), y.min(), z.min()])
    bb = np.concatenate([lower, np.array([x.max(), y.max(), z.max()]) - lower + 1])
    nd = 3
    rps = np.array(resampled_spacing, dtype=float)
    rps = np.where(rps == 0, mask_spacing, rps)
    # _checkROI: image and mask have the same geometry here, so the ROI is inside the image
    rps = np.where(bb[nd:] != 1, rps, mask_spacing)
    assert not np.allclose(mask_spacing, rps), 'this spacing takes the no-resampling path'
    ratio = mask_spacing / rps
    lb = np.floor((bb[:nd] - 0.5) * ratio - pad_distance)
    ub = np.ceil((bb[:nd] + bb[nd:] - 0.5) * ratio + pad_distance)
    max_ub = np.ceil(mask_size * ratio) - 1
    lb = np.where(lb < 0, 0, lb)
    ub = np.where(ub > max_ub, max_ub, ub)
    new_size = np.array(ub - lb + 1, dtype='int').tolist()
    original_lb = lb / ratio
    new_origin_index = np.array(0.5 * (rps - mask_spacing) / mask_spacing)
    cropped_origin_index = new_origin_index + original_lb
    origin = itk_geometry(mask_path, cropped_origin_index)['point']
    return {'size': new_size, 'spacing': [float(v) for v in rps], 'origin': origin, 'direction': g['direction'],
            'maskBoundingBox': [int(v) for v in bb], 'originContinuousIndex': [float(v) for v in cropped_origin_index]}


def resample(inp, kind, grid, out):
    cmd = [program, 'resample', inp, kind] + [str(v) for v in grid['size']] + \
          [repr(v) for v in grid['spacing'] + grid['origin'] + grid['direction']] + ['0', out]
    subprocess.run(cmd, check=True)
    shown = ['resample_linear'] + [rel(a) if os.path.isabs(a) else a for a in cmd[1:]]
    return ' '.join(shown)


itk_version = '5.2.1 (Debian 12 libinsighttoolkit5-dev 5.2.1-5+deb12u1)'
manifest = {'generator': 'scripts/resample-reference/make_fixtures.py',
            'program': 'scripts/resample-reference/resample_linear.cxx (itk::ResampleImageFilter<In, In, double>, '
                       'IdentityTransform, LinearInterpolateImageFunction<In, double> for the image, '
                       'NearestNeighborInterpolateImageFunction<In, double> for the mask, default pixel value 0)',
            'itk': itk_version,
            'pyradiomics': 'AIM-Harvard/pyradiomics radiomics/imageoperations.py resampleImage '
                           '(commit 8ed579383b44806651c463d5e691f3b2b57522ab)',
            'note': 'paths are relative to the repository root; "../shared" is /work/shared',
            'inputs': {}, 'cases': []}

# Two inputs made from breast1 on a crop around the ROI (their geometry differs from the mask's:
# the grid still comes from the mask, and part of it falls outside the crop: default value 0):
# float32 to exercise the float output path, and short with negative values, where truncation
# toward zero (static_cast) and floor differ.
breast1 = os.path.join(data_dir, 'breast1_image.nrrd')
float_input = os.path.join(out_dir, 'input_breast1_image_float32_crop.nrrd')
write_crop(breast1, (10, 50, 0), (40, 90, 20), 'float', lambda a: a * (1.0 / 3.0), float_input)
manifest['inputs']['breast1_float32_crop'] = {
    'file': rel(float_input),
    'note': 'float32(breast1_image.nrrd * (1/3)) on the index box x 10-40, y 50-90, z 0-20 (origin moved to voxel (10, 50, 0))'}
shifted_input = os.path.join(out_dir, 'input_breast1_image_int16_minus60_crop.nrrd')
write_crop(breast1, (10, 50, 0), (40, 90, 20), 'short', lambda a: a - 60, shifted_input)
manifest['inputs']['breast1_int16_minus60_crop'] = {
    'file': rel(shifted_input),
    'note': 'breast1_image.nrrd - 60 (short; values -28..133, about half negative) on the index box x 10-40, y 50-90, z 0-20'}

cases = [('breast1', 'breast1_image.nrrd', 'breast1_label.nrrd'),
         ('brain1', 'brain1_image.nrrd', 'brain1_label.nrrd')]
for name, image, label in cases:
    for sp in (2, 3):
        image_path = os.path.join(data_dir, image)
        mask_path = os.path.join(data_dir, label)
        grid = pyradiomics_grid(mask_path, [sp, sp, sp])
        case_id = f'{name}_{sp}mm'
        image_out = os.path.join(out_dir, f'{case_id}_image_linear.nrrd')
        mask_out = os.path.join(out_dir, f'{case_id}_mask_nearest.nrrd')
        manifest['cases'].append({
            'id': case_id, 'image': rel(image_path), 'mask': rel(mask_path), 'label': 1,
            'settings': {'resampledPixelSpacing': [sp, sp, sp], 'interpolator': 'sitkLinear', 'padDistance': 5},
            'grid': grid,
            'imageOutput': rel(image_out), 'imageCommand': resample(image_path, 'linear', grid, image_out),
            'maskOutput': rel(mask_out), 'maskCommand': resample(mask_path, 'nearest', grid, mask_out)})
        print(case_id, grid['size'])

for case_id, inp, sp in (('breast1_float32_2mm', float_input, 2), ('breast1_int16_minus60_3mm', shifted_input, 3)):
    grid = pyradiomics_grid(os.path.join(data_dir, 'breast1_label.nrrd'), [sp, sp, sp])
    out = os.path.join(out_dir, f'{case_id}_image_linear.nrrd')
    manifest['cases'].append({
        'id': case_id, 'image': rel(inp), 'mask': rel(os.path.join(data_dir, 'breast1_label.nrrd')), 'label': 1,
        'settings': {'resampledPixelSpacing': [sp, sp, sp], 'interpolator': 'sitkLinear', 'padDistance': 5},
        'grid': grid, 'imageOutput': rel(out), 'imageCommand': resample(inp, 'linear', grid, out)})
    print(case_id, grid['size'])

json.dump(manifest, open(os.path.join(out_dir, 'manifest.json'), 'w'), indent=1)
print('wrote', out_dir)
