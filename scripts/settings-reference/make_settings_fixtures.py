#!/usr/bin/env python3
"""
Reference feature values, computed by PyRadiomics's own code, for the settings that the
PyRadiomics baselines (../shared/conformance/pyradiomics) do not cover: weightingNorm,
symmetricalGLCM false, resegmentMode relative / sigma, removeOutliers, distances [1, 2].

PyRadiomics runs here unmodified: RadiomicsFeatureExtractor (featureextractor.py), the
preprocessing of imageoperations.py, the feature classes and their C extension
(_cmatrices, _cshape). Only SimpleITK is replaced, by a stand-in (below) that does on numpy
arrays what the few SimpleITK calls on this path do (array conversion, geometry getters,
Cast, Normalize, LabelStatisticsImageFilter, CropImageFilter, ConstantPadImageFilter).
Resampling is not on this path (no resampledPixelSpacing), nor is correctMask. pykwalify (the
parameter schema validator) is replaced by a pass-through: our engine validates the same
parameters against paramSchema.yaml itself. additionalInfo is off (no diagnostics).

Run (Debian 12, no PyPI needed: apt-get install python3-dev python3-numpy python3-pywt gcc):
  G=$(path to a bare clone of AIM-Harvard/pyradiomics)       # we used commit 8ed579383b44806651c463d5e691f3b2b57522ab
  mkdir -p /tmp/pyrad && git --git-dir=$G archive 8ed579383b44806651c463d5e691f3b2b57522ab radiomics | tar -x -C /tmp/pyrad
  /usr/bin/python3 scripts/settings-reference/make_settings_fixtures.py /tmp/pyrad /work/shared [--check-baseline]

The first run builds radiomics/_cmatrices and _cshape with gcc into the checkout (against
/usr/include/python3.X and numpy's headers). --check-baseline first reruns every column of
../shared/conformance/pyradiomics/baseline/*.csv that this path can reproduce (brain1,
breast1; not _resampling, not shape2D) and prints the largest relative error per class; the
fixtures are written only if they all agree to 1e-11 (relative; 1e-15 absolute near 0), and
the same for the Original features of ../shared/conformance/pyradiomics-full (two configurations).
Output: workers/radiomics/fixtures-settings/ (manifest.json + one JSON per setting case).
Nothing of PyRadiomics is copied into this repository: only its outputs are saved.
"""
import gzip, json, logging, os, subprocess, sys, sysconfig, types
import numpy as np

PYRADIOMICS_COMMIT = '8ed579383b44806651c463d5e691f3b2b57522ab'
checkout, shared = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
check_baseline = '--check-baseline' in sys.argv[3:]
here = os.path.dirname(os.path.abspath(__file__))
out_dir = os.path.normpath(os.path.join(here, '../../workers/radiomics/fixtures-settings'))
data_dir = os.path.join(shared, 'conformance/pyradiomics/data')
pkg_dir = os.path.join(checkout, 'radiomics')

# --- build the C extension into the checkout ----------------------------------------------
ext = sysconfig.get_config_var('EXT_SUFFIX')
for mod, srcs in [('_cmatrices', ['_cmatrices.c', 'cmatrices.c']), ('_cshape', ['_cshape.c', 'cshape.c'])]:
    target = os.path.join(pkg_dir, mod + ext)
    if not os.path.exists(target):
        cmd = ['gcc', '-O2', '-shared', '-fPIC', '-I' + sysconfig.get_paths()['include'], '-I' + np.get_include(),
               *[os.path.join(pkg_dir, 'src', s) for s in srcs], '-o', target, '-lm']
        print(' '.join(cmd))
        subprocess.run(cmd, check=True)

# --- the SimpleITK stand-in -----------------------------------------------------------------
sitk = types.ModuleType('SimpleITK')


class Image:
    """A scalar image: arr in (z, y, x) order; spacing / origin / direction in (x, y, z) as ITK."""

    def __init__(self, arr, spacing=(1.0, 1.0, 1.0), origin=(0.0, 0.0, 0.0), direction=(1, 0, 0, 0, 1, 0, 0, 0, 1)):
        self.arr = np.asarray(arr)
        self.spacing = tuple(float(s) for s in spacing)
        self.origin = tuple(float(o) for o in origin)
        self.direction = tuple(float(d) for d in direction)

    def GetDimension(self): return self.arr.ndim
    def GetSize(self): return tuple(int(s) for s in reversed(self.arr.shape))
    def GetSpacing(self): return self.spacing
    def GetOrigin(self): return self.origin
    def GetDirection(self): return self.direction
    def GetPixelIDTypeAsString(self): return str(self.arr.dtype)  # only tested for 'vector'
    def GetNumberOfComponentsPerPixel(self): return 1

    def CopyInformation(self, other):
        if self.GetSize() != other.GetSize():
            raise RuntimeError('CopyInformation: sizes differ')
        self.spacing, self.origin, self.direction = other.spacing, other.origin, other.direction

    def with_array(self, arr, origin=None):
        return Image(arr, self.spacing, self.origin if origin is None else origin, self.direction)

    def __mul__(self, k):  # sitk: image * scalar -> Multiply, pixel type kept (float64 here)
        return self.with_array(self.arr * k)

    def index_to_physical(self, idx_xyz):
        d = np.array(self.direction).reshape(3, 3)
        return tuple(np.array(self.origin) + d @ (np.asarray(idx_xyz, float) * np.array(self.spacing)))


def same_space(a, b):
    return (a.GetSize() == b.GetSize() and np.allclose(a.spacing, b.spacing, rtol=0, atol=1e-6)
            and np.allclose(a.origin, b.origin, rtol=0, atol=1e-6) and np.allclose(a.direction, b.direction, rtol=0, atol=1e-6))


def Normalize(image):
    """ITK NormalizeImageFilter: StatisticsImageFilter's mean and sample SD (n - 1), then
    ShiftScaleImageFilter (x + (-mean)) * (1 / sigma), in double."""
    a = image.arr.astype(np.float64)
    n = a.size
    if np.issubdtype(image.arr.dtype, np.integer):
        s, s2 = float(image.arr.astype(np.int64).sum()), float((image.arr.astype(np.int64) ** 2).sum())  # exact
    else:
        s, s2 = float(np.sum(a)), float(np.sum(a * a))
    mean = s / n
    sigma = np.sqrt((s2 - s * s / n) / (n - 1))
    return image.with_array((a + (-mean)) * (1.0 / sigma))


class LabelStatisticsImageFilter:
    def Execute(self, image, mask):
        if not same_space(image, mask):
            raise RuntimeError('Inputs do not occupy the same physical space!')
        self.m = mask.arr

    def GetLabels(self): return [int(v) for v in np.unique(self.m)]
    def GetCount(self, label): return int(np.sum(self.m == label))

    def GetBoundingBox(self, label):
        idx = np.nonzero(self.m == label)  # z, y, x
        bb = []
        for axis in (2, 1, 0):
            bb += [int(idx[axis].min()), int(idx[axis].max())]
        return tuple(bb)


class CropImageFilter:
    def SetLowerBoundaryCropSize(self, v): self.lo = [int(x) for x in v]
    def SetUpperBoundaryCropSize(self, v): self.up = [int(x) for x in v]

    def Execute(self, image):
        nx, ny, nz = image.GetSize()
        (lx, ly, lz), (ux, uy, uz) = self.lo, self.up
        arr = image.arr[lz:nz - uz, ly:ny - uy, lx:nx - ux].copy()
        return image.with_array(arr, image.index_to_physical(self.lo))


class ConstantPadImageFilter:
    def SetPadLowerBound(self, v): self.lo = [int(x) for x in v]
    def SetPadUpperBound(self, v): self.up = [int(x) for x in v]

    def Execute(self, image):
        pads = [(self.lo[a], self.up[a]) for a in (2, 1, 0)]
        return image.with_array(np.pad(image.arr, pads, constant_values=0), image.index_to_physical([-x for x in self.lo]))


class ProcessObject:
    @staticmethod
    def SetGlobalDefaultCoordinateTolerance(_t): raise NotImplementedError('geometryTolerance: not in this stand-in')
    SetGlobalDefaultDirectionTolerance = SetGlobalDefaultCoordinateTolerance


def unsupported(name):
    def f(*_a, **_k): raise NotImplementedError(f'SimpleITK stand-in: {name} is not on this path')
    return f


sitk.Image = Image
sitk.SimpleITK = types.SimpleNamespace(Image=Image)
sitk.GetArrayFromImage = lambda im: im.arr.copy()
sitk.GetImageFromArray = lambda arr: Image(np.array(arr))
sitk.Cast = lambda im, t: im.with_array(im.arr.astype(t))
sitk.sitkUInt32 = np.uint32
sitk.sitkBSpline, sitk.sitkNearestNeighbor = 'sitkBSpline', 'sitkNearestNeighbor'
sitk.Normalize = Normalize
sitk.LabelStatisticsImageFilter = LabelStatisticsImageFilter
sitk.CropImageFilter = CropImageFilter
sitk.ConstantPadImageFilter = ConstantPadImageFilter
sitk.ProcessObject = ProcessObject
for name in ['ResampleImageFilter', 'LabelShapeStatisticsImageFilter', 'ReadImage', 'ImageSeriesReader', 'Hash',
             'ConnectedComponentImageFilter', 'VectorIndexSelectionCastImageFilter', 'Version']:
    setattr(sitk, name, unsupported(name))
sys.modules['SimpleITK'] = sitk

# pykwalify: a pass-through Core (no schema validation)
pykwalify = types.ModuleType('pykwalify')
pykwalify_core = types.ModuleType('pykwalify.core')
pykwalify_core.log = logging.getLogger('pykwalify.core')
pykwalify_core.log.addHandler(logging.NullHandler())


class Core:
    def __init__(self, source_file=None, source_data=None, **_kw): self.data = source_data
    def validate(self): return self.data


pykwalify_core.Core = Core
pykwalify.core = pykwalify_core
sys.modules['pykwalify'], sys.modules['pykwalify.core'] = pykwalify, pykwalify_core

# radiomics/_version.py is generated at install time
version = types.ModuleType('radiomics._version')
version.version = f'git-{PYRADIOMICS_COMMIT[:7]}'
sys.modules['radiomics._version'] = version
# radiomics/scripts (the command line, needs ruamel.yaml) is imported only by getFeatureClasses's module scan
sys.modules['radiomics.scripts'] = types.ModuleType('radiomics.scripts')

sys.path.insert(0, checkout)
import radiomics  # noqa: E402
from radiomics import featureextractor  # noqa: E402

assert radiomics.cMatrices is not None and radiomics.cShape is not None, 'C extension not loaded'
radiomics.setVerbosity(logging.ERROR)


# --- NRRD (gzip, as in ../shared/conformance/pyradiomics/data) ----------------------------
def read_nrrd(path):
    raw = open(path, 'rb').read()
    head, data = raw.split(b'\n\n', 1)
    f = dict(l.split(': ', 1) for l in head.decode().splitlines()[1:] if ': ' in l and not l.startswith('#'))
    assert f['encoding'] == 'gzip' and f['endian'] == 'little' and f['dimension'] == '3', f
    dtype = {'short': '<i2', 'int': '<i4', 'unsigned short': '<u2'}[f['type']]
    size = [int(s) for s in f['sizes'].split()]
    arr = np.frombuffer(gzip.decompress(data), dtype=dtype).reshape(size[::-1]).copy()
    vecs = [np.array([float(x) for x in v.strip('()').split(',')]) for v in f['space directions'].split()]
    spacing = [float(np.linalg.norm(v)) for v in vecs]
    direction = np.column_stack([v / np.linalg.norm(v) for v in vecs]).flatten()  # row-major, column c = axis c
    origin = [float(x) for x in f['space origin'].strip('()').split(',')]
    return Image(arr, spacing, origin, direction)


images = {}


def case(name):
    if name not in images:
        images[name] = (read_nrrd(os.path.join(data_dir, f'{name}_image.nrrd')),
                        read_nrrd(os.path.join(data_dir, f'{name}_label.nrrd')))
    return images[name]


def run(params, case_name):
    """featureextractor with the params dict (as a parameter file gives it); additionalInfo off."""
    params = json.loads(json.dumps(params))
    params.setdefault('setting', {})['additionalInfo'] = False
    extractor = featureextractor.RadiomicsFeatureExtractor(params)
    image, mask = case(case_name)
    return {k: float(v) for k, v in extractor.execute(image, mask).items()}


# --- 1. the setup against the PyRadiomics baselines ---------------------------------------
def py_dict(text):
    return json.loads(text.replace("'", '"').replace('None', 'null').replace('True', 'true').replace('False', 'false'))


def check_against_baseline():
    import csv
    worst_all = 0.0
    for cls in ['firstorder', 'glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm', 'shape']:
        rows = list(csv.reader(open(os.path.join(shared, f'conformance/pyradiomics/baseline/baseline_{cls}.csv'))))
        header = rows[0]
        for c, col in enumerate(header[1:], start=1):
            cells = {r[0]: r[c] for r in rows[1:] if len(r) > c}
            test_case = cells['diagnostics_Configuration_TestCase']
            settings = py_dict(cells['diagnostics_Configuration_Settings'])
            if test_case not in ('brain1', 'breast1') or settings.get('resampledPixelSpacing') is not None:
                continue
            got = run({'imageType': {'Original': {}}, 'featureClass': {cls: []}, 'setting': settings}, test_case)
            worst, at, n = 0.0, '', 0
            for key, cell in cells.items():
                if key.startswith('diagnostics'):
                    continue
                ref, v = float(cell), got.pop(key)
                err = abs(v - ref) / abs(ref) if abs(ref) > 1e-15 else abs(v - ref)
                n += 1
                if err > worst:
                    worst, at = err, key
            assert not got, f'{col}: features not in the baseline: {list(got)}'
            print(f'  baseline {cls:10s} {col:24s} {n:3d} values, max rel. error {worst:.2e} {at}')
            if not (cls == 'shape' and col == 'brain1'):  # brain1's mesh cells: an old PyRadiomics (README §5)
                worst_all = max(worst_all, worst)
    print(f'baseline check: max rel. error {worst_all:.2e} (brain1 shape excluded, see above)')
    # the Original columns of ../shared/conformance/pyradiomics-full (a newer PyRadiomics: brain1's
    # mesh features; normalize over the whole image), with their parameter files' settings
    import yaml
    full = os.path.join(shared, 'conformance/pyradiomics-full')
    for params_file, csv_file in [('params_full_binWidth25.yaml', 'pyradiomics_full_binWidth25.csv'),
                                  ('params_full_normalize_binCount32.yaml', 'pyradiomics_full_normalize_binCount32.csv')]:
        params = yaml.safe_load(open(os.path.join(full, params_file)))
        params['imageType'] = {'Original': {}}
        rows = list(csv.reader(open(os.path.join(full, csv_file))))
        for row in rows[1:]:
            cells = dict(zip(rows[0], row))
            got = run(params, cells['ID'])
            worst, at, n = 0.0, '', 0
            for key, v in got.items():
                ref = float(cells[key])
                err = abs(v - ref) / abs(ref) if abs(ref) > 1e-15 else abs(v - ref)
                n += 1
                if err > worst:
                    worst, at = err, key
            print(f'  pyradiomics-full {csv_file:42s} {cells["ID"]:8s} {n:3d} original values, max rel. error {worst:.2e} {at}')
            worst_all = max(worst_all, worst)
    return worst_all


# ~1e-12: the worst cells are glcm MCC (an eigenvalue) and shape SurfaceArea (a long float sum)
setup_check = None
if check_baseline:
    setup_check = check_against_baseline()
    if setup_check > 1e-11:
        sys.exit('the stand-in run does not reproduce the PyRadiomics baselines: no fixtures written')

# --- 2. the settings cases ---------------------------------------------------------------
TEXTURE = ['glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm']
CASES = [
    # (id, classes, settings, what it exercises)
    *[(f'weightingNorm_{w}', ['glcm', 'glrlm'], {'weightingNorm': w},
       f"weightingNorm '{w}': the per-angle matrices summed with distance weights (glcm, glrlm) before the features")
      for w in ['manhattan', 'euclidean', 'infinity', 'no_weighting']],
    ('weightingNorm_euclidean_distances_1_2', ['glcm', 'glrlm'], {'weightingNorm': 'euclidean', 'distances': [1, 2]},
     'weighting of the 26 offsets at distances 1 and 2 (glcm); glrlm ignores distances'),
    ('weightingNorm_manhattan_force2D', ['glcm', 'glrlm'], {'weightingNorm': 'manhattan', 'force2D': True},
     'weighting of the 4 in-plane angles (force2D, dimension 0)'),
    ('symmetricalGLCM_false', ['glcm'], {'symmetricalGLCM': False},
     'GLCM without adding its transpose (asymmetric matrix; px != py)'),
    ('symmetricalGLCM_false_no_weighting_distances_1_2', ['glcm'],
     {'symmetricalGLCM': False, 'weightingNorm': 'no_weighting', 'distances': [1, 2]},
     'asymmetric GLCM, the 26 offsets of distances 1 and 2 summed into one matrix'),
    ('resegment_relative', ['firstorder', *TEXTURE, 'shape'], {'resegmentRange': [0.3, 0.85], 'resegmentMode': 'relative'},
     'thresholds x ROI maximum, closed range; shape keeps the unresegmented mask on the resegmented box'),
    ('resegment_relative_lower', ['firstorder', *TEXTURE], {'resegmentRange': [0.5], 'resegmentMode': 'relative'},
     'one threshold: keep x >= 0.5 x ROI maximum'),
    ('resegment_sigma', ['firstorder', *TEXTURE, 'shape'], {'resegmentRange': [-1.5, 1], 'resegmentMode': 'sigma'},
     'thresholds mean + k x SD (population) of the ROI, asymmetric closed range'),
    ('resegment_sigma_resegmentShape', ['firstorder', 'glcm', 'shape'],
     {'resegmentRange': [-1.5, 1], 'resegmentMode': 'sigma', 'resegmentShape': True},
     'as resegment_sigma, with resegmentShape: shape on the resegmented mask too'),
    ('resegment_sigma_lower', ['firstorder', *TEXTURE], {'resegmentRange': [-0.5], 'resegmentMode': 'sigma'},
     'one threshold: keep x >= mean - 0.5 SD'),
    # ROI z-scores (whole-image mean and SD): breast1 2.0 .. 5.1, brain1 0.2 .. 2.2
    ('removeOutliers', ['firstorder', *TEXTURE], {'normalize': True, 'normalizeScale': 100, 'removeOutliers': 3.5, 'binWidth': 5},
     'normalize (whole image), clamp to +-3.5 SD, then scale 100; binWidth 5. breast1: about half the ROI clamped; brain1: none'),
    ('removeOutliers_scale1', ['firstorder', *TEXTURE], {'normalize': True, 'removeOutliers': 1.5, 'binWidth': 0.05},
     'normalize, clamp to +-1.5 SD, scale 1, binWidth 0.05 (non-integer edges). brain1: the top of the ROI clamped; breast1: all of it (one grey level)'),
    ('distances_1_2', ['glcm', 'gldm', 'ngtdm'], {'distances': [1, 2]},
     'offsets at distances 1 and 2 (glcm angles, gldm / ngtdm neighbourhoods)'),
    ('distances_2', ['glcm', 'gldm', 'ngtdm'], {'distances': [2]},
     'offsets at distance 2 only'),
]
CASE_NAMES = ['breast1', 'brain1']

os.makedirs(out_dir, exist_ok=True)
manifest = {
    'generator': 'scripts/settings-reference/make_settings_fixtures.py',
    'command': '/usr/bin/python3 scripts/settings-reference/make_settings_fixtures.py <pyradiomics checkout> /work/shared --check-baseline',
    'pyradiomics': f'AIM-Harvard/pyradiomics commit {PYRADIOMICS_COMMIT}: featureextractor.RadiomicsFeatureExtractor(params).execute, '
                   'feature classes and _cmatrices/_cshape built from source; SimpleITK replaced by an array stand-in, pykwalify by a pass-through',
    'libraries': {'python': sys.version.split()[0], 'numpy': np.__version__},
    'setup_check': None if setup_check is None else
    f'max rel. error {setup_check:.2e} against the baseline CSV columns this path reproduces (brain1, breast1: base, _2d, _FBN, '
    '_combined, _flatRegion, _normalization, _resegmentation; shape base, brain1 excepted: old mesh cells) and the Original '
    'features of pyradiomics-full (binWidth25, normalize_binCount32)',
    'inputs': {c: {'image': f'{c}_image.nrrd', 'mask': f'{c}_label.nrrd', 'from': 'conformance/pyradiomics/data'} for c in CASE_NAMES},
    'cases': [],
}
for case_id, classes, settings, note in CASES:
    params = {'imageType': {'Original': {}}, 'featureClass': {c: None for c in classes}, 'setting': settings}
    values = {}
    for name in CASE_NAMES:
        feats = run(params, name)
        values[name] = {k: (v if np.isfinite(v) else str(v)) for k, v in feats.items()}
        print(f'{case_id:40s} {name:8s} {len(feats)} features')
    file = f'{case_id}.json'
    json.dump({'id': case_id, 'params': params, 'note': note, 'values': values}, open(os.path.join(out_dir, file), 'w'), indent=1)
    manifest['cases'].append({'id': case_id, 'file': file, 'classes': classes, 'setting': settings, 'note': note})
json.dump(manifest, open(os.path.join(out_dir, 'manifest.json'), 'w'), indent=1)
print('wrote', out_dir)
