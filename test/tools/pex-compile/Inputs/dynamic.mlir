// A model the legality gate rejects: a dynamically shaped tensor.
func.func @main(%x: tensor<1x?x8x4xi8>) -> tensor<1x?x8x4xi8> {
  %0 = tosa.clamp %x {min_val = 0 : i8, max_val = 6 : i8} : (tensor<1x?x8x4xi8>) -> tensor<1x?x8x4xi8>
  return %0 : tensor<1x?x8x4xi8>
}
