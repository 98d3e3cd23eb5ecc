// An int8 MobileNetV2 inverted residual block (expansion 6) in TOSA.

func.func @int8_block(%x: tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8> {
  %in_zp = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %w_zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc_zp = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %out_zp = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>

  %w_exp = "tosa.const"() {values = dense<3> : tensor<24x1x1x4xi8>} : () -> tensor<24x1x1x4xi8>
  %b_exp = "tosa.const"() {values = dense<17> : tensor<24xi32>} : () -> tensor<24xi32>
  %m_exp = "tosa.const"() {values = dense<1518500250> : tensor<24xi32>} : () -> tensor<24xi32>
  %s_exp = "tosa.const"() {values = dense<38> : tensor<24xi8>} : () -> tensor<24xi8>
  %exp = tosa.conv2d %x, %w_exp, %b_exp, %in_zp, %w_zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<24x1x1x4xi8>, tensor<24xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x24xi32>
  %exp8 = tosa.rescale %exp, %m_exp, %s_exp, %acc_zp, %out_zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x8x8x24xi32>, tensor<24xi32>, tensor<24xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x24xi8>
  %relu = tosa.clamp %exp8 {max_val = 0 : i8, min_val = -128 : i8} : (tensor<1x8x8x24xi8>) -> tensor<1x8x8x24xi8>

  %w_dw = "tosa.const"() {values = dense<-2> : tensor<3x3x24x1xi8>} : () -> tensor<3x3x24x1xi8>
  %dw = tosa.depthwise_conv2d %relu, %w_dw, %b_exp, %out_zp, %w_zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x24xi8>, tensor<3x3x24x1xi8>, tensor<24xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x24xi32>
  %dw8 = tosa.rescale %dw, %m_exp, %s_exp, %acc_zp, %out_zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x8x8x24xi32>, tensor<24xi32>, tensor<24xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x24xi8>

  %w_prj = "tosa.const"() {values = dense<1> : tensor<4x1x1x24xi8>} : () -> tensor<4x1x1x24xi8>
  %b_prj = "tosa.const"() {values = dense<0> : tensor<4xi32>} : () -> tensor<4xi32>
  %m_prj = "tosa.const"() {values = dense<1073741824> : tensor<4xi32>} : () -> tensor<4xi32>
  %s_prj = "tosa.const"() {values = dense<36> : tensor<4xi8>} : () -> tensor<4xi8>
  %prj = tosa.conv2d %dw8, %w_prj, %b_prj, %out_zp, %w_zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x24xi8>, tensor<4x1x1x24xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x4xi32>
  %y = tosa.rescale %prj, %m_prj, %s_prj, %acc_zp, %out_zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x8x8x4xi32>, tensor<4xi32>, tensor<4xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x4xi8>
  return %y : tensor<1x8x8x4xi8>
}
