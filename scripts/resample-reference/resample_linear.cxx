// Reference outputs for PyRadiomics's resampleImage with `interpolator: sitkLinear`.
//
// PyRadiomics (radiomics/imageoperations.py, resampleImage) runs SimpleITK's
// ResampleImageFilter, which is itk::ResampleImageFilter<In, Out, double> (SimpleITK's
// ResampleImageFilter.json) with:
//   - the identity transform (SimpleITK's default Transform()),
//   - LinearInterpolateImageFunction<In, double> for sitkLinear (sitkCreateInterpolator.hxx),
//     NearestNeighborInterpolateImageFunction<In, double> for the mask (sitkNearestNeighbor),
//   - output pixel type = input pixel type (SetOutputPixelType(image.GetPixelID())): the
//     interpolated double goes through ResampleImageFilter::CastComponentWithBoundsChecking,
//     i.e. clamp to the type's range, then static_cast (truncation toward zero for integers,
//     round to nearest for float),
//   - default pixel value 0 (PyRadiomics never calls SetDefaultPixelValue; SimpleITK's default
//     is 0.0),
//   - output size, spacing, origin and direction given here on the command line (PyRadiomics
//     computes them from the mask: see make_fixtures.py).
// This program does exactly that with ITK directly, for the pixel type found in the file.
//
// Build and run (Debian 12, libinsighttoolkit5-dev 5.2.1), outside the repository:
//   g++ -O2 -std=c++17 -I/usr/include/ITK-5.2 resample_linear.cxx -o /tmp/resample_linear \
//       -lITKTransform-5.2 -lITKCommon-5.2 -lITKIOImageBase-5.2 -lITKIONRRD-5.2 -lITKNrrdIO-5.2 -litksys-5.2 -litkvnl-5.2 -litkvnl_algo-5.2
//   resample_linear resample <in.nrrd> <linear|nearest> nx ny nz sx sy sz ox oy oz d00 d01 d02 d10 d11 d12 d20 d21 d22 <default> <out.nrrd>
//     (direction row-major: column c is the direction of index axis c, as ITK's Direction(r, c))
//   resample_linear index-to-point <image.nrrd> i j k
//     prints ITK's TransformContinuousIndexToPhysicalPoint of the continuous index (i, j, k)
//     and the image's spacing and direction as ITK reads them (%.17g), as
//     PyRadiomics's maskNode.TransformContinuousIndexToPhysicalPoint(newCroppedOriginIndex).
#include "itkImage.h"
#include "itkImageFileReader.h"
#include "itkImageFileWriter.h"
#include "itkImageIOFactory.h"
#include "itkNrrdImageIOFactory.h"
#include "itkResampleImageFilter.h"
#include "itkIdentityTransform.h"
#include "itkLinearInterpolateImageFunction.h"
#include "itkNearestNeighborInterpolateImageFunction.h"
#include "itkMultiThreaderBase.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

namespace
{
struct Grid
{
  itk::Size<3>           size;
  itk::Vector<double, 3> spacing;
  itk::Point<double, 3>  origin;
  itk::Matrix<double, 3, 3> direction;
};

template <typename TPixel>
int
resample(const char * in, bool linear, const Grid & g, double defaultValue, const char * out)
{
  using ImageType = itk::Image<TPixel, 3>;
  auto reader = itk::ImageFileReader<ImageType>::New();
  reader->SetFileName(in);
  auto filter = itk::ResampleImageFilter<ImageType, ImageType, double>::New();
  filter->SetInput(reader->GetOutput());
  filter->SetTransform(itk::IdentityTransform<double, 3>::New());
  if (linear)
    filter->SetInterpolator(itk::LinearInterpolateImageFunction<ImageType, double>::New());
  else
    filter->SetInterpolator(itk::NearestNeighborInterpolateImageFunction<ImageType, double>::New());
  filter->SetSize(g.size);
  filter->SetOutputSpacing(g.spacing);
  filter->SetOutputOrigin(g.origin);
  filter->SetOutputDirection(g.direction);
  // SimpleITK: filter->SetDefaultPixelValue(static_cast<OutputPixelType>(m_DefaultPixelValue))
  filter->SetDefaultPixelValue(static_cast<TPixel>(defaultValue));
  auto writer = itk::ImageFileWriter<ImageType>::New();
  writer->SetInput(filter->GetOutput());
  writer->SetFileName(out);
  writer->SetUseCompression(true);
  writer->Update();
  return 0;
}

int
indexToPoint(const char * in, char ** idx)
{
  using ImageType = itk::Image<float, 3>; // geometry only
  auto reader = itk::ImageFileReader<ImageType>::New();
  reader->SetFileName(in);
  reader->UpdateOutputInformation();
  const ImageType * image = reader->GetOutput();
  itk::ContinuousIndex<double, 3> ci;
  for (int d = 0; d < 3; ++d)
    ci[d] = std::strtod(idx[d], nullptr);
  itk::Point<double, 3> p;
  image->TransformContinuousIndexToPhysicalPoint(ci, p);
  std::printf("point %.17g %.17g %.17g\n", p[0], p[1], p[2]);
  std::printf("spacing %.17g %.17g %.17g\n", image->GetSpacing()[0], image->GetSpacing()[1], image->GetSpacing()[2]);
  std::printf("origin %.17g %.17g %.17g\n", image->GetOrigin()[0], image->GetOrigin()[1], image->GetOrigin()[2]);
  std::printf("direction");
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      std::printf(" %.17g", image->GetDirection()(r, c));
  std::printf("\n");
  return 0;
}
} // namespace

int
main(int argc, char * argv[])
{
  itk::NrrdImageIOFactory::RegisterOneFactory();
  itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(1); // shared machine; results do not depend on it
  if (argc == 6 && std::strcmp(argv[1], "index-to-point") == 0)
    return indexToPoint(argv[2], argv + 3);
  if (argc != 24 || std::strcmp(argv[1], "resample") != 0)
  {
    std::cerr << "usage: " << argv[0]
              << " resample in.nrrd linear|nearest nx ny nz sx sy sz ox oy oz d00 d01 d02 d10 d11 d12 d20 d21 d22 default out.nrrd\n"
              << "       " << argv[0] << " index-to-point image.nrrd i j k\n";
    return 1;
  }
  const char * in = argv[2];
  const std::string kind = argv[3];
  if (kind != "linear" && kind != "nearest")
  {
    std::cerr << "interpolator must be linear or nearest, not " << kind << "\n";
    return 1;
  }
  Grid g;
  for (int d = 0; d < 3; ++d)
  {
    g.size[d] = std::strtoul(argv[4 + d], nullptr, 10);
    g.spacing[d] = std::strtod(argv[7 + d], nullptr);
    g.origin[d] = std::strtod(argv[10 + d], nullptr);
  }
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      g.direction(r, c) = std::strtod(argv[13 + 3 * r + c], nullptr);
  const double defaultValue = std::strtod(argv[22], nullptr);
  const char * out = argv[23];

  itk::ImageIOBase::Pointer io = itk::ImageIOFactory::CreateImageIO(in, itk::IOFileModeEnum::ReadMode);
  if (!io)
  {
    std::cerr << in << ": cannot read\n";
    return 1;
  }
  io->SetFileName(in);
  io->ReadImageInformation();
  using C = itk::IOComponentEnum;
  switch (io->GetComponentType())
  {
    case C::UCHAR: return resample<unsigned char>(in, kind == "linear", g, defaultValue, out);
    case C::SHORT: return resample<short>(in, kind == "linear", g, defaultValue, out);
    case C::USHORT: return resample<unsigned short>(in, kind == "linear", g, defaultValue, out);
    case C::INT: return resample<int>(in, kind == "linear", g, defaultValue, out);
    case C::FLOAT: return resample<float>(in, kind == "linear", g, defaultValue, out);
    case C::DOUBLE: return resample<double>(in, kind == "linear", g, defaultValue, out);
    default:
      std::cerr << in << ": pixel type " << io->GetComponentTypeAsString(io->GetComponentType()) << " not handled\n";
      return 1;
  }
}
