// Reference outputs for PyRadiomics's Gradient image type: SimpleITK's GradientMagnitudeImageFilter
// is itk::GradientMagnitudeImageFilter<input image, Image<float>> (SimpleITK's JSON: output pixel
// type float), UseImageSpacing from PyRadiomics's `gradientUseSpacing` (default true).
//
// Build and run (Debian 12, libinsighttoolkit5-dev 5.2.1):
//   g++ -O2 -std=c++17 -I/usr/include/ITK-5.2 gradient_magnitude.cxx -o gradient_magnitude \
//       -lITKCommon-5.2 -lITKIOImageBase-5.2 -lITKIONRRD-5.2 -lITKNrrdIO-5.2 -litksys-5.2 -litkvnl-5.2 -litkvnl_algo-5.2
//   ./gradient_magnitude <image.nrrd> x0 x1 y0 y1 z0 z1 <useSpacing 0|1> <out.nrrd>
// The input is cropped to the inclusive index box first (PyRadiomics with preCrop), then filtered.
#include "itkImage.h"
#include "itkImageFileReader.h"
#include "itkImageFileWriter.h"
#include "itkNrrdImageIOFactory.h"
#include "itkRegionOfInterestImageFilter.h"
#include "itkGradientMagnitudeImageFilter.h"
#include <cstdlib>
#include <iostream>

int main(int argc, char * argv[])
{
  if (argc != 10)
  {
    std::cerr << "usage: " << argv[0] << " image.nrrd x0 x1 y0 y1 z0 z1 useSpacing out.nrrd\n";
    return 1;
  }
  itk::NrrdImageIOFactory::RegisterOneFactory();
  using InputImage = itk::Image<short, 3>;
  using OutputImage = itk::Image<float, 3>;
  auto reader = itk::ImageFileReader<InputImage>::New();
  reader->SetFileName(argv[1]);
  InputImage::IndexType start;
  InputImage::SizeType size;
  for (int d = 0; d < 3; ++d)
  {
    start[d] = std::atol(argv[2 + 2 * d]);
    size[d] = std::atol(argv[3 + 2 * d]) - start[d] + 1;
  }
  auto roi = itk::RegionOfInterestImageFilter<InputImage, InputImage>::New();
  roi->SetInput(reader->GetOutput());
  roi->SetRegionOfInterest(InputImage::RegionType(start, size));
  auto gradient = itk::GradientMagnitudeImageFilter<InputImage, OutputImage>::New();
  gradient->SetInput(roi->GetOutput());
  gradient->SetUseImageSpacing(std::atoi(argv[8]) != 0);
  auto writer = itk::ImageFileWriter<OutputImage>::New();
  writer->SetInput(gradient->GetOutput());
  writer->SetFileName(argv[9]);
  writer->SetUseCompression(true);
  writer->Update();
  return 0;
}
