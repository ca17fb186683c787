#!/usr/bin/env python3
"""
Reference outputs for the filters that ../shared/conformance/filters does not cover, computed
by the libraries PyRadiomics calls, through PyRadiomics's own imageoperations functions.

Run (developer machine, Debian 12):
  apt-get install --no-install-recommends python3-pywt python3-skimage   # pywt 1.1.1, skimage 0.19.3
  /usr/bin/python3 scripts/filters-reference/make_fixtures.py <pyradiomics checkout> <shared dir>

<pyradiomics checkout>: a work tree of AIM-Harvard/pyradiomics (we used commit
8ed579383b44806651c463d5e691f3b2b57522ab); only radiomics/imageoperations.py is imported, with a
minimal SimpleITK stand-in (arrays only: the functions used here only convert arrays).
Nothing of PyRadiomics is copied into this repository: its functions run here, their outputs
are saved in workers/radiomics/filters/fixtures/ (manifest.json + .npy files).
"""
import gzip, importlib, json, os, sys, types
import numpy as np
import pywt

pyradiomics, shared = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
out_dir = os.path.normpath(os.path.join(here, '../../workers/radiomics/filters/fixtures'))
os.makedirs(out_dir, exist_ok=True)

# --- a SimpleITK stand-in with the array conversions imageoperations uses -------------------
sitk = types.ModuleType('SimpleITK')
class Image:
    def __init__(self, arr, spacing=(1.0, 1.0, 1.0)):
        self.arr = np.asarray(arr)
        self.spacing = spacing
    def GetDimension(self): return self.arr.ndim
    def GetSize(self): return tuple(reversed(self.arr.shape))
    def GetSpacing(self): return self.spacing
    def CopyInformation(self, other): self.spacing = other.spacing
sitk.Image = Image
sitk.GetArrayFromImage = lambda im: im.arr.copy()
sitk.GetImageFromArray = lambda arr: Image(arr)
sys.modules['SimpleITK'] = sitk
pkg = types.ModuleType('radiomics'); pkg.__path__ = [os.path.join(pyradiomics, 'radiomics')]
sys.modules['radiomics'] = pkg
ops = importlib.import_module('radiomics.imageoperations')

def read_nrrd(path):
    raw = open(path, 'rb').read()
    head, data = raw.split(b'\n\n', 1)
    fields = dict(l.split(': ', 1) for l in head.decode().splitlines()[1:] if ': ' in l and not l.startswith('#'))
    assert fields['type'] in ('short', 'int16') and fields['encoding'] == 'gzip', fields
    size = [int(s) for s in fields['sizes'].split()]
    arr = np.frombuffer(gzip.decompress(data), dtype='<i2').reshape(size[::-1])
    return arr

manifest = {'generator': 'scripts/filters-reference/make_fixtures.py',
            'libraries': {'pywt': pywt.__version__, 'numpy': np.__version__},
            'pyradiomics': 'AIM-Harvard/pyradiomics radiomics/imageoperations.py (commit 8ed579383b44806651c463d5e691f3b2b57522ab)',
            'inputs': {}, 'cases': []}

def save_input(name, arr, note):
    np.save(os.path.join(out_dir, f'input_{name}.npy'), arr)
    manifest['inputs'][name] = {'file': f'input_{name}.npy', 'shape_zyx': list(arr.shape), 'dtype': str(arr.dtype), 'note': note}

rng = np.random.default_rng(20240605)
synthetic = rng.integers(-1000, 3000, size=(5, 6, 7)).astype(np.int16)
save_input('synthetic_int16', synthetic, 'random int16 in [-1000, 3000), shape (z, y, x) = (5, 6, 7): odd x and z')
synthetic32 = (rng.standard_normal(size=(5, 6, 7)) * 100).astype(np.float32)
save_input('synthetic_float32', synthetic32, 'random float32, N(0, 100^2), shape (5, 6, 7)')
b = read_nrrd(os.path.join(shared, 'conformance/pyradiomics/data/breast1_image.nrrd'))
breast = np.ascontiguousarray(b[3:16, 59:81, 16:35])  # padded box x 16-34, y 59-80, z 3-15
save_input('breast1_padded', breast, 'breast1_image.nrrd cropped to the padded box x 16-34, y 59-80, z 3-15 (19 x 22 x 13)')
synthetic64 = rng.standard_normal(size=(5, 6, 7)) * 100
save_input('synthetic_float64', synthetic64, 'random float64, N(0, 100^2), shape (5, 6, 7)')
inputs = {'synthetic_int16': synthetic, 'synthetic_float32': synthetic32, 'breast1_padded': breast,
          'synthetic_float64': synthetic64}

def run(case_id, func, input_name, settings, spacing=(1.0, 1.0, 1.0)):
    image = Image(inputs[input_name].copy(), spacing)
    names, arrays = [], []
    for im, name, _kw in getattr(ops, func)(image, None, **settings):
        names.append(name); arrays.append(np.asarray(im.arr))
    dtypes = sorted({str(a.dtype) for a in arrays})
    assert len(dtypes) == 1, dtypes
    stacked = np.stack(arrays)
    file = f'{case_id}.npy'
    np.save(os.path.join(out_dir, file), stacked)
    manifest['cases'].append({'id': case_id, 'function': func, 'input': input_name, 'settings': settings,
                              'names': names, 'file': file, 'dtype': dtypes[0]})
    print(case_id, names, dtypes[0])

# Wavelet: families of every filter length class, multi-level, start_level, force2D, float32 data
for w in ['haar', 'db2', 'coif1', 'sym5', 'db20', 'coif5', 'bior2.2', 'bior6.8', 'rbio3.1', 'dmey']:
    run(f'wavelet_{w}', 'getWaveletImage', 'synthetic_int16', {'wavelet': w})
run('wavelet_coif1_level2', 'getWaveletImage', 'synthetic_int16', {'wavelet': 'coif1', 'level': 2})
run('wavelet_db2_start1_level3', 'getWaveletImage', 'synthetic_int16', {'wavelet': 'db2', 'start_level': 1, 'level': 3})
run('wavelet_coif1_force2D_z', 'getWaveletImage', 'synthetic_int16', {'wavelet': 'coif1', 'force2D': True, 'force2Ddimension': 0})
run('wavelet_sym3_force2D_x', 'getWaveletImage', 'synthetic_int16', {'wavelet': 'sym3', 'force2D': True, 'force2Ddimension': 2})
for w in ['coif1', 'db4', 'bior2.2', 'haar']:
    run(f'wavelet_{w}_float32', 'getWaveletImage', 'synthetic_float32', {'wavelet': w})
run('wavelet_coif1_float32_level2', 'getWaveletImage', 'synthetic_float32', {'wavelet': 'coif1', 'level': 2})
run('wavelet_coif2_breast1', 'getWaveletImage', 'breast1_padded', {'wavelet': 'coif2'})

# The point-wise image types
for func in ['getSquareImage', 'getSquareRootImage', 'getLogarithmImage', 'getExponentialImage']:
    for inp in ['synthetic_int16', 'breast1_padded', 'synthetic_float32']:
        run(f'{func[3:-5].lower()}_{inp}', func, inp, {})

# LBP2D (scikit-image's local_binary_pattern, slice by slice)
try:
    import skimage
    manifest['libraries']['skimage'] = skimage.__version__
    run('lbp2d_default_breast1', 'getLBP2DImage', 'breast1_padded', {})
    run('lbp2d_r2_p16_default_axis1_breast1', 'getLBP2DImage', 'breast1_padded',
        {'lbp2DRadius': 2, 'lbp2DSamples': 16, 'lbp2DMethod': 'default', 'force2D': True, 'force2Ddimension': 1})
    run('lbp2d_ror_float32', 'getLBP2DImage', 'synthetic_float32', {'lbp2DRadius': 1.5, 'lbp2DSamples': 8, 'lbp2DMethod': 'ror'})
    run('lbp2d_nri_uniform_breast1', 'getLBP2DImage', 'breast1_padded', {'lbp2DMethod': 'nri_uniform'})
    run('lbp2d_var_float32', 'getLBP2DImage', 'synthetic_float32', {'lbp2DMethod': 'var'})
    run('lbp2d_var_float64_axis2', 'getLBP2DImage', 'synthetic_float64',
        {'lbp2DMethod': 'var', 'lbp2DSamples': 12, 'lbp2DRadius': 1.3, 'force2D': True, 'force2Ddimension': 2})
    run('lbp2d_uniform_float64', 'getLBP2DImage', 'synthetic_float64', {})
except ImportError:
    print('scikit-image not available: no LBP2D fixtures')

# the decomposition filters of every discrete wavelet
manifest['filters'] = {w: {'dec_lo': list(pywt.Wavelet(w).dec_lo), 'dec_hi': list(pywt.Wavelet(w).dec_hi)}
                       for w in pywt.wavelist(kind='discrete')}
json.dump(manifest, open(os.path.join(out_dir, 'manifest.json'), 'w'), indent=1)
print('wrote', out_dir)
