// RUN: pex-opt %s -split-input-file -verify-diagnostics --pex-kernels-to-calls | FileCheck %s

// A 3x2 convolution with stride [2, 1], dilation [1, 2] and padding
// [1, 1, 2, 1] on dense buffers: (9 - 1 + 2 - 2) / 2 + 1 = 5 rows and
// (7 - 1 + 3 - 2) / 1 + 1 = 8 columns. The parameter block is
// pex_conv_params: in_h, in_w, in_c, in_pixel_stride, out_h, out_w, out_c,
// out_pixel_stride, kernel_h, kernel_w, stride_h, stride_w, dilation_h,
// dilation_w, pad_top, pad_left, weight_in_stride, input_zp, output_zp,
// act_min, act_max. Every buffer becomes its aligned base plus its offset,
// in bytes (times 4 for the int32 buffers), as a 32-bit pointer.

// CHECK:       memref.global "private" constant @__pex_kernel_params : memref<21xi32> = dense<[9, 7, 8, 8, 5, 8, 16, 16, 3, 2, 2, 1, 1, 2, 1, 2, 8, -3, 7, -100, 90]> {alignment = 4 : i64}
// CHECK-NOT:   memref.global
// CHECK-LABEL: func.func @conv2d(
// CHECK-SAME:    %[[X:[^:]*]]: memref<1x9x7x8xi8>, %[[W:[^:]*]]: memref<16x3x2x8xi8>, %[[B:[^:]*]]: memref<16xi32>, %[[M:[^:]*]]: memref<16xi32>, %[[SH:[^:]*]]: memref<16xi8>, %[[Y:[^:]*]]: memref<1x5x8x16xi8>, %[[S:[^:]*]]: memref<192xi8>)
// CHECK:         %[[PB:.*]] = memref.get_global @__pex_kernel_params : memref<21xi32>
// CHECK-NEXT:    %[[PBASE:.*]] = memref.extract_aligned_pointer_as_index %[[PB]] : memref<21xi32> -> index
// CHECK-NEXT:    %{{[^,]*}}, %[[POFF:[^,]*]], %{{[^,]*}}, %{{[^,]*}} = memref.extract_strided_metadata %[[PB]] : memref<21xi32> -> memref<i32>, index, index, index
// CHECK-NEXT:    %[[C4:.*]] = arith.constant 4 : index
// CHECK-NEXT:    %[[PBYTES:.*]] = arith.muli %[[POFF]], %[[C4]] : index
// CHECK-NEXT:    %[[PADDR:.*]] = arith.addi %[[PBASE]], %[[PBYTES]] : index
// CHECK-NEXT:    %[[PWORD:.*]] = arith.index_cast %[[PADDR]] : index to i32
// CHECK-NEXT:    %[[P:.*]] = llvm.inttoptr %[[PWORD]] : i32 to !llvm.ptr
// CHECK-NEXT:    %[[XBASE:.*]] = memref.extract_aligned_pointer_as_index %[[X]] : memref<1x9x7x8xi8> -> index
// CHECK-NEXT:    %{{[^,]*}}, %[[XOFF:[^,]*]], %{{[^,]*}}, %{{[^,]*}} = memref.extract_strided_metadata %[[X]] : memref<1x9x7x8xi8> -> memref<i8>, index, index, index, index, index, index, index, index, index
// CHECK-NEXT:    %[[XADDR:.*]] = arith.addi %[[XBASE]], %[[XOFF]] : index
// CHECK-NEXT:    %[[XWORD:.*]] = arith.index_cast %[[XADDR]] : index to i32
// CHECK-NEXT:    %[[XP:.*]] = llvm.inttoptr %[[XWORD]] : i32 to !llvm.ptr
// CHECK-NEXT:    %[[WBASE:.*]] = memref.extract_aligned_pointer_as_index %[[W]] : memref<16x3x2x8xi8> -> index
// CHECK-NEXT:    %{{[^,]*}}, %[[WOFF:[^,]*]], %{{[^,]*}}, %{{[^,]*}} = memref.extract_strided_metadata %[[W]]
// CHECK-NEXT:    %[[WADDR:.*]] = arith.addi %[[WBASE]], %[[WOFF]] : index
// CHECK-NEXT:    %[[WWORD:.*]] = arith.index_cast %[[WADDR]] : index to i32
// CHECK-NEXT:    %[[WP:.*]] = llvm.inttoptr %[[WWORD]] : i32 to !llvm.ptr
// CHECK-NEXT:    %[[BBASE:.*]] = memref.extract_aligned_pointer_as_index %[[B]] : memref<16xi32> -> index
// CHECK-NEXT:    %{{[^,]*}}, %[[BOFF:[^,]*]], %{{[^,]*}}, %{{[^,]*}} = memref.extract_strided_metadata %[[B]]
// CHECK-NEXT:    %[[BC4:.*]] = arith.constant 4 : index
// CHECK-NEXT:    %[[BBYTES:.*]] = arith.muli %[[BOFF]], %[[BC4]] : index
// CHECK-NEXT:    %[[BADDR:.*]] = arith.addi %[[BBASE]], %[[BBYTES]] : index
// CHECK-NEXT:    %[[BWORD:.*]] = arith.index_cast %[[BADDR]] : index to i32
// CHECK-NEXT:    %[[BP:.*]] = llvm.inttoptr %[[BWORD]] : i32 to !llvm.ptr
// CHECK-NEXT:    %[[MBASE:.*]] = memref.extract_aligned_pointer_as_index %[[M]] : memref<16xi32> -> index
// CHECK-NEXT:    %{{[^,]*}}, %[[MOFF:[^,]*]], %{{[^,]*}}, %{{[^,]*}} = memref.extract_strided_metadata %[[M]]
// CHECK-NEXT:    %[[MC4:.*]] = arith.constant 4 : index
// CHECK-NEXT:    %[[MBYTES:.*]] = arith.muli %[[MOFF]], %[[MC4]] : index
// CHECK-NEXT:    %[[MADDR:.*]] = arith.addi %[[MBASE]], %[[MBYTES]] : index
// CHECK-NEXT:    %[[MWORD:.*]] = arith.index_cast %[[MADDR]] : index to i32
// CHECK-NEXT:    %[[MP:.*]] = llvm.inttoptr %[[MWORD]] : i32 to !llvm.ptr
// CHECK-NEXT:    %[[SHBASE:.*]] = memref.extract_aligned_pointer_as_index %[[SH]] : memref<16xi8> -> index
// CHECK-NEXT:    %{{[^,]*}}, %[[SHOFF:[^,]*]], %{{[^,]*}}, %{{[^,]*}} = memref.extract_strided_metadata %[[SH]]
// CHECK-NEXT:    %[[SHADDR:.*]] = arith.addi %[[SHBASE]], %[[SHOFF]] : index
// CHECK-NEXT:    %[[SHWORD:.*]] = arith.index_cast %[[SHADDR]] : index to i32
// CHECK-NEXT:    %[[SHP:.*]] = llvm.inttoptr %[[SHWORD]] : i32 to !llvm.ptr
// CHECK-NEXT:    %[[YBASE:.*]] = memref.extract_aligned_pointer_as_index %[[Y]] : memref<1x5x8x16xi8> -> index
// CHECK-NEXT:    %{{[^,]*}}, %[[YOFF:[^,]*]], %{{[^,]*}}, %{{[^,]*}} = memref.extract_strided_metadata %[[Y]]
// CHECK-NEXT:    %[[YADDR:.*]] = arith.addi %[[YBASE]], %[[YOFF]] : index
// CHECK-NEXT:    %[[YWORD:.*]] = arith.index_cast %[[YADDR]] : index to i32
// CHECK-NEXT:    %[[YP:.*]] = llvm.inttoptr %[[YWORD]] : i32 to !llvm.ptr
// CHECK-NEXT:    %[[SBASE:.*]] = memref.extract_aligned_pointer_as_index %[[S]] : memref<192xi8> -> index
// CHECK-NEXT:    %{{[^,]*}}, %[[SOFF:[^,]*]], %{{[^,]*}}, %{{[^,]*}} = memref.extract_strided_metadata %[[S]]
// CHECK-NEXT:    %[[SADDR:.*]] = arith.addi %[[SBASE]], %[[SOFF]] : index
// CHECK-NEXT:    %[[SWORD:.*]] = arith.index_cast %[[SADDR]] : index to i32
// CHECK-NEXT:    %[[SP:.*]] = llvm.inttoptr %[[SWORD]] : i32 to !llvm.ptr
// CHECK-NEXT:    call @pex_conv2d_s8(%[[P]], %[[XP]], %[[WP]], %[[BP]], %[[MP]], %[[SHP]], %[[YP]], %[[SP]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT:    return
// CHECK:       func.func private @pex_conv2d_s8(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
// CHECK-NOT:   kernel.
func.func @conv2d(%x: memref<1x9x7x8xi8>, %w: memref<16x3x2x8xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x5x8x16xi8>, %s: memref<192xi8>) {
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 2, 1>, pad = array<i64: 1, 1, 2, 1>, dilation = array<i64: 1, 2>, input_zp = -3 : i32, output_zp = 7 : i32, act_min = -100 : i32, act_max = 90 : i32} : (memref<1x9x7x8xi8>, memref<16x3x2x8xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x5x8x16xi8>, memref<192xi8>) -> ()
  return
}

// -----

// Channel slices: the input is channels [4, 12) of a 12-channel buffer
// (in_pixel_stride 12 > in_c 8), the weights input channels [8, 16) of a
// 16-channel weight tensor (weight_in_stride 16), the output channels
// [2, 8) of a 10-channel buffer (out_pixel_stride 10), and the per-channel
// vectors elements [2, 8) of 8: the pointers carry the views' offsets.

// CHECK:       memref.global "private" constant @__pex_kernel_params : memref<21xi32> = dense<[4, 4, 8, 12, 4, 4, 6, 10, 3, 3, 1, 1, 1, 1, 1, 1, 16, -128, 0, -128, 127]> {alignment = 4 : i64}
// CHECK-LABEL: func.func @conv2d_channel_slices(
// CHECK:         %[[X:.*]] = memref.subview {{.*}} to memref<1x4x4x8xi8, strided<[192, 48, 12, 1], offset: 4>>
// CHECK:         %[[W:.*]] = memref.subview {{.*}} to memref<6x3x3x8xi8, strided<[144, 48, 16, 1], offset: 8>>
// CHECK:         %[[B:.*]] = memref.subview {{.*}} to memref<6xi32, strided<[1], offset: 2>>
// CHECK:         %[[Y:.*]] = memref.subview {{.*}} to memref<1x4x4x6xi8, strided<[160, 40, 10, 1], offset: 2>>
// CHECK:         memref.get_global @__pex_kernel_params
// CHECK:         %[[P:.*]] = llvm.inttoptr
// CHECK-NEXT:    %[[XBASE:.*]] = memref.extract_aligned_pointer_as_index %[[X]]
// CHECK-NEXT:    %{{[^,]*}}, %[[XOFF:[^,]*]], {{.*}} = memref.extract_strided_metadata %[[X]]
// CHECK-NEXT:    %[[XADDR:.*]] = arith.addi %[[XBASE]], %[[XOFF]] : index
// CHECK-NEXT:    %[[XWORD:.*]] = arith.index_cast %[[XADDR]] : index to i32
// CHECK-NEXT:    %[[XP:.*]] = llvm.inttoptr %[[XWORD]] : i32 to !llvm.ptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[W]]
// CHECK:         %[[WP:.*]] = llvm.inttoptr
// CHECK-NEXT:    %[[BBASE:.*]] = memref.extract_aligned_pointer_as_index %[[B]]
// CHECK-NEXT:    %{{[^,]*}}, %[[BOFF:[^,]*]], {{.*}} = memref.extract_strided_metadata %[[B]]
// CHECK-NEXT:    %[[C4:.*]] = arith.constant 4 : index
// CHECK-NEXT:    %[[BBYTES:.*]] = arith.muli %[[BOFF]], %[[C4]] : index
// CHECK-NEXT:    %[[BADDR:.*]] = arith.addi %[[BBASE]], %[[BBYTES]] : index
// CHECK-NEXT:    %[[BWORD:.*]] = arith.index_cast %[[BADDR]] : index to i32
// CHECK-NEXT:    %[[BP:.*]] = llvm.inttoptr %[[BWORD]] : i32 to !llvm.ptr
// CHECK:         %[[MP:.*]] = llvm.inttoptr
// CHECK:         %[[SHP:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK:         %[[YP:.*]] = llvm.inttoptr
// CHECK:         %[[SP:.*]] = llvm.inttoptr
// CHECK-NEXT:    call @pex_conv2d_s8(%[[P]], %[[XP]], %[[WP]], %[[BP]], %[[MP]], %[[SHP]], %[[YP]], %[[SP]])
func.func @conv2d_channel_slices(%xbuf: memref<1x4x4x12xi8>, %wbuf: memref<6x3x3x16xi8>, %bbuf: memref<8xi32>, %mbuf: memref<8xi32>, %shbuf: memref<8xi8>, %ybuf: memref<1x4x4x10xi8>, %s: memref<288xi8>) {
  %x = memref.subview %xbuf[0, 0, 0, 4] [1, 4, 4, 8] [1, 1, 1, 1] : memref<1x4x4x12xi8> to memref<1x4x4x8xi8, strided<[192, 48, 12, 1], offset: 4>>
  %w = memref.subview %wbuf[0, 0, 0, 8] [6, 3, 3, 8] [1, 1, 1, 1] : memref<6x3x3x16xi8> to memref<6x3x3x8xi8, strided<[144, 48, 16, 1], offset: 8>>
  %b = memref.subview %bbuf[2] [6] [1] : memref<8xi32> to memref<6xi32, strided<[1], offset: 2>>
  %m = memref.subview %mbuf[2] [6] [1] : memref<8xi32> to memref<6xi32, strided<[1], offset: 2>>
  %sh = memref.subview %shbuf[2] [6] [1] : memref<8xi8> to memref<6xi8, strided<[1], offset: 2>>
  %y = memref.subview %ybuf[0, 0, 0, 2] [1, 4, 4, 6] [1, 1, 1, 1] : memref<1x4x4x10xi8> to memref<1x4x4x6xi8, strided<[160, 40, 10, 1], offset: 2>>
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = -128 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x4x4x8xi8, strided<[192, 48, 12, 1], offset: 4>>, memref<6x3x3x8xi8, strided<[144, 48, 16, 1], offset: 8>>, memref<6xi32, strided<[1], offset: 2>>, memref<6xi32, strided<[1], offset: 2>>, memref<6xi8, strided<[1], offset: 2>>, memref<1x4x4x6xi8, strided<[160, 40, 10, 1], offset: 2>>, memref<288xi8>) -> ()
  return
}

// -----

// An input view that drops the last column of its buffer (7 of 8 columns,
// rows 32 elements apart), as TFLite's strided convolutions slice theirs.
// With stride 2 and pad [0, 1, 0, 1] the last window covers columns 4..6,
// so no window reaches past the view: the kernel is told the buffer's width
// (in_w 8) and reads the view's pixels only. The declared right padding is
// never used.

// CHECK:       memref.global "private" constant @__pex_kernel_params : memref<21xi32> = dense<[6, 8, 4, 4, 3, 3, 8, 8, 3, 3, 2, 2, 1, 1, 0, 0, 4, 0, 0, -128, 127]> {alignment = 4 : i64}
// CHECK-LABEL: func.func @conv2d_cropped_columns(
// CHECK:         %[[X:.*]] = memref.subview {{.*}} to memref<1x6x7x4xi8, strided<[192, 32, 4, 1]>>
// CHECK:         %[[P:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[X]]
// CHECK:         %[[XP:.*]] = llvm.inttoptr
// CHECK:         call @pex_conv2d_s8(%[[P]], %[[XP]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
func.func @conv2d_cropped_columns(%xbuf: memref<1x6x8x4xi8>, %w: memref<8x3x3x4xi8>, %b: memref<8xi32>, %m: memref<8xi32>, %sh: memref<8xi8>, %y: memref<1x3x3x8xi8>, %s: memref<144xi8>) {
  %x = memref.subview %xbuf[0, 0, 0, 0] [1, 6, 7, 4] [1, 1, 1, 1] : memref<1x6x8x4xi8> to memref<1x6x7x4xi8, strided<[192, 32, 4, 1]>>
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 2, 2>, pad = array<i64: 0, 1, 0, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x6x7x4xi8, strided<[192, 32, 4, 1]>>, memref<8x3x3x4xi8>, memref<8xi32>, memref<8xi32>, memref<8xi8>, memref<1x3x3x8xi8>, memref<144xi8>) -> ()
  return
}

// -----

// The same view with stride 1 and padding 1: the last window covers columns
// 5..7 and column 7 is padding, which the kernel would read from the buffer.

func.func @conv2d_cropped_columns_padded(%xbuf: memref<1x6x8x4xi8>, %w: memref<8x3x3x4xi8>, %b: memref<8xi32>, %m: memref<8xi32>, %sh: memref<8xi8>, %y: memref<1x6x7x8xi8>, %s: memref<144xi8>) {
  %x = memref.subview %xbuf[0, 0, 0, 0] [1, 6, 7, 4] [1, 1, 1, 1] : memref<1x6x8x4xi8> to memref<1x6x7x4xi8, strided<[192, 32, 4, 1]>>
  // expected-error@+1 {{'kernel.conv2d' op has a buffer layout the kernel cannot address}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x6x7x4xi8, strided<[192, 32, 4, 1]>>, memref<8x3x3x4xi8>, memref<8xi32>, memref<8xi32>, memref<8xi8>, memref<1x6x7x8xi8>, memref<144xi8>) -> ()
  return
}

// -----

// A depthwise convolution on channels [16, 32) of a 32-channel buffer, with
// the matching slice of the weights (weight_in_stride 32) and of the
// per-channel vectors, into channels [0, 16) of a 48-channel concatenation
// buffer (out_pixel_stride 48); dilation 2 with padding 2 keeps 8x8.

// CHECK:       memref.global "private" constant @__pex_kernel_params : memref<21xi32> = dense<[8, 8, 16, 32, 8, 8, 16, 48, 3, 3, 1, 1, 2, 2, 2, 2, 32, -128, -128, -128, 127]> {alignment = 4 : i64}
// CHECK-LABEL: func.func @depthwise_channel_slices(
// CHECK:         %[[X:.*]] = memref.subview
// CHECK:         %[[W:.*]] = memref.subview
// CHECK:         %[[B:.*]] = memref.subview
// CHECK:         %[[M:.*]] = memref.subview
// CHECK:         %[[SH:.*]] = memref.subview
// CHECK:         %[[Y:.*]] = memref.subview
// CHECK:         %[[PB:.*]] = memref.get_global @__pex_kernel_params : memref<21xi32>
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[PB]]
// CHECK:         %[[P:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[X]]
// CHECK:         %[[XP:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[W]]
// CHECK:         %[[WP:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[B]]
// CHECK:         arith.muli
// CHECK:         %[[BP:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[M]]
// CHECK:         arith.muli
// CHECK:         %[[MP:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[SH]]
// CHECK-NOT:     arith.muli
// CHECK:         %[[SHP:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK:         %[[YP:.*]] = llvm.inttoptr
// CHECK-NEXT:    call @pex_depthwise_conv2d_s8(%[[P]], %[[XP]], %[[WP]], %[[BP]], %[[MP]], %[[SHP]], %[[YP]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK:       func.func private @pex_depthwise_conv2d_s8(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
func.func @depthwise_channel_slices(%xbuf: memref<1x8x8x32xi8>, %wbuf: memref<3x3x32x1xi8>, %bbuf: memref<32xi32>, %mbuf: memref<32xi32>, %shbuf: memref<32xi8>, %ybuf: memref<1x8x8x48xi8>) {
  %x = memref.subview %xbuf[0, 0, 0, 16] [1, 8, 8, 16] [1, 1, 1, 1] : memref<1x8x8x32xi8> to memref<1x8x8x16xi8, strided<[2048, 256, 32, 1], offset: 16>>
  %w = memref.subview %wbuf[0, 0, 16, 0] [3, 3, 16, 1] [1, 1, 1, 1] : memref<3x3x32x1xi8> to memref<3x3x16x1xi8, strided<[96, 32, 1, 1], offset: 16>>
  %b = memref.subview %bbuf[16] [16] [1] : memref<32xi32> to memref<16xi32, strided<[1], offset: 16>>
  %m = memref.subview %mbuf[16] [16] [1] : memref<32xi32> to memref<16xi32, strided<[1], offset: 16>>
  %sh = memref.subview %shbuf[16] [16] [1] : memref<32xi8> to memref<16xi8, strided<[1], offset: 16>>
  %y = memref.subview %ybuf[0, 0, 0, 0] [1, 8, 8, 16] [1, 1, 1, 1] : memref<1x8x8x48xi8> to memref<1x8x8x16xi8, strided<[3072, 384, 48, 1]>>
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 2, 2, 2, 2>, dilation = array<i64: 2, 2>, input_zp = -128 : i32, output_zp = -128 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8, strided<[2048, 256, 32, 1], offset: 16>>, memref<3x3x16x1xi8, strided<[96, 32, 1, 1], offset: 16>>, memref<16xi32, strided<[1], offset: 16>>, memref<16xi32, strided<[1], offset: 16>>, memref<16xi8, strided<[1], offset: 16>>, memref<1x8x8x16xi8, strided<[3072, 384, 48, 1]>>) -> ()
  return
}

// -----

// Both at once on the input: channels [2, 4) of a 4-channel buffer (pixel
// stride 4) and columns [1, 8) of 8 (rows 32 elements apart). The last
// window of stride 2 covers columns 4..6 of the 7.

// CHECK:       memref.global "private" constant @__pex_kernel_params : memref<21xi32> = dense<[6, 8, 2, 4, 3, 3, 2, 2, 3, 3, 2, 2, 1, 1, 0, 0, 2, 0, 0, -128, 127]> {alignment = 4 : i64}
// CHECK-LABEL: func.func @depthwise_cropped_channel_slice(
// CHECK:         call @pex_depthwise_conv2d_s8(
func.func @depthwise_cropped_channel_slice(%xbuf: memref<1x6x8x4xi8>, %w: memref<3x3x2x1xi8>, %b: memref<2xi32>, %m: memref<2xi32>, %sh: memref<2xi8>, %y: memref<1x3x3x2xi8>) {
  %x = memref.subview %xbuf[0, 0, 1, 2] [1, 6, 7, 2] [1, 1, 1, 1] : memref<1x6x8x4xi8> to memref<1x6x7x2xi8, strided<[192, 32, 4, 1], offset: 6>>
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 2, 2>, pad = array<i64: 0, 1, 0, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x6x7x2xi8, strided<[192, 32, 4, 1], offset: 6>>, memref<3x3x2x1xi8>, memref<2xi32>, memref<2xi32>, memref<2xi8>, memref<1x3x3x2xi8>) -> ()
  return
}

// -----

// One column fewer (columns [1, 7) of 8): the last window of stride 2
// covers columns 4..6 of 6, and column 6 is padding.

func.func @depthwise_cropped_past_view(%xbuf: memref<1x6x8x4xi8>, %w: memref<3x3x2x1xi8>, %b: memref<2xi32>, %m: memref<2xi32>, %sh: memref<2xi8>, %y: memref<1x3x3x2xi8>) {
  %x = memref.subview %xbuf[0, 0, 1, 2] [1, 6, 6, 2] [1, 1, 1, 1] : memref<1x6x8x4xi8> to memref<1x6x6x2xi8, strided<[192, 32, 4, 1], offset: 6>>
  // expected-error@+1 {{'kernel.depthwise_conv2d' op has a buffer layout the kernel cannot address}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 2, 2>, pad = array<i64: 0, 1, 0, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x6x6x2xi8, strided<[192, 32, 4, 1], offset: 6>>, memref<3x3x2x1xi8>, memref<2xi32>, memref<2xi32>, memref<2xi8>, memref<1x3x3x2xi8>) -> ()
  return
}

// -----

// pex_fc_params: batch, in_features, out_features, in_row_stride,
// out_row_stride, weight_in_stride, input_zp, output_zp, act_min, act_max.

// CHECK:       memref.global "private" constant @__pex_kernel_params : memref<10xi32> = dense<[1, 256, 10, 256, 10, 256, -1, 3, -128, 127]> {alignment = 4 : i64}
// CHECK-LABEL: func.func @fully_connected(
// CHECK-SAME:    %[[X:[^:]*]]: memref<1x1x1x256xi8>, %[[W:[^:]*]]: memref<10x1x1x256xi8>, %[[B:[^:]*]]: memref<10xi32>, %[[M:[^:]*]]: memref<10xi32>, %[[SH:[^:]*]]: memref<10xi8>, %[[Y:[^:]*]]: memref<1x1x1x10xi8>)
// CHECK:         %[[PB:.*]] = memref.get_global @__pex_kernel_params : memref<10xi32>
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[PB]]
// CHECK:         %[[P:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[X]]
// CHECK:         %[[XP:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[W]]
// CHECK:         %[[WP:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[B]]
// CHECK:         %[[BP:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[M]]
// CHECK:         %[[MP:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[SH]]
// CHECK:         %[[SHP:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK:         %[[YP:.*]] = llvm.inttoptr
// CHECK-NEXT:    call @pex_fully_connected_s8(%[[P]], %[[XP]], %[[WP]], %[[BP]], %[[MP]], %[[SHP]], %[[YP]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK:       func.func private @pex_fully_connected_s8(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
func.func @fully_connected(%x: memref<1x1x1x256xi8>, %w: memref<10x1x1x256xi8>, %b: memref<10xi32>, %m: memref<10xi32>, %sh: memref<10xi8>, %y: memref<1x1x1x10xi8>) {
  kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = -1 : i32, output_zp = 3 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x1x1x256xi8>, memref<10x1x1x256xi8>, memref<10xi32>, memref<10xi32>, memref<10xi8>, memref<1x1x1x10xi8>) -> ()
  return
}

// -----

// Two rows of 64 features read from rows of 80, weights 10 rows of a
// [12, 1, 1, 70] tensor from row 2 and feature 3, and outputs written into
// rows of 16.

// CHECK:       memref.global "private" constant @__pex_kernel_params : memref<10xi32> = dense<[2, 64, 10, 80, 16, 70, 0, 5, -20, 20]> {alignment = 4 : i64}
// CHECK-LABEL: func.func @fully_connected_rows(
// CHECK:         call @pex_fully_connected_s8(
func.func @fully_connected_rows(%xbuf: memref<2x1x1x80xi8>, %wbuf: memref<12x1x1x70xi8>, %b: memref<10xi32>, %m: memref<10xi32>, %sh: memref<10xi8>, %ybuf: memref<2x1x1x16xi8>) {
  %x = memref.subview %xbuf[0, 0, 0, 8] [2, 1, 1, 64] [1, 1, 1, 1] : memref<2x1x1x80xi8> to memref<2x1x1x64xi8, strided<[80, 80, 80, 1], offset: 8>>
  %w = memref.subview %wbuf[2, 0, 0, 3] [10, 1, 1, 64] [1, 1, 1, 1] : memref<12x1x1x70xi8> to memref<10x1x1x64xi8, strided<[70, 70, 70, 1], offset: 143>>
  %y = memref.subview %ybuf[0, 0, 0, 0] [2, 1, 1, 10] [1, 1, 1, 1] : memref<2x1x1x16xi8> to memref<2x1x1x10xi8, strided<[16, 16, 16, 1]>>
  kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 0 : i32, output_zp = 5 : i32, act_min = -20 : i32, act_max = 20 : i32} : (memref<2x1x1x64xi8, strided<[80, 80, 80, 1], offset: 8>>, memref<10x1x1x64xi8, strided<[70, 70, 70, 1], offset: 143>>, memref<10xi32>, memref<10xi32>, memref<10xi8>, memref<2x1x1x10xi8, strided<[16, 16, 16, 1]>>) -> ()
  return
}

// -----

// A consumer's slice: input channels [21, 24) of a 3x3 convolution with 24
// input channels. The weights are not contiguous across taps (segmented), so
// 4 * 27 bytes of scratch are enough. The block describes the slice
// (in_c 3) with the whole tensor's weight_in_stride 24 and a full-range
// output stage it does not use; the call gets c0 = 0 and k = 3, the
// pointers being at the slice already.

// CHECK:       memref.global "private" constant @__pex_kernel_params : memref<21xi32> = dense<[4, 4, 3, 3, 4, 4, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 24, -128, 0, -128, 127]> {alignment = 4 : i64}
// CHECK-LABEL: func.func @accumulate_segmented(
// CHECK-SAME:    %[[X:[^:]*]]: memref<1x4x4x3xi8>, %[[WBUF:[^:]*]]: memref<16x3x3x24xi8>, %[[ACC:[^:]*]]: memref<1x4x4x16xi32>, %[[S:[^:]*]]: memref<108xi8>)
// CHECK:         %[[W:.*]] = memref.subview %[[WBUF]]
// CHECK:         %[[PB:.*]] = memref.get_global @__pex_kernel_params : memref<21xi32>
// CHECK:         %[[P:.*]] = llvm.inttoptr
// CHECK-NEXT:    %[[C0:.*]] = arith.constant 0 : i32
// CHECK-NEXT:    %[[K:.*]] = arith.constant 3 : i32
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[X]]
// CHECK:         %[[XP:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[W]]
// CHECK:         %[[WP:.*]] = llvm.inttoptr
// CHECK-NEXT:    %[[ABASE:.*]] = memref.extract_aligned_pointer_as_index %[[ACC]]
// CHECK-NEXT:    %{{[^,]*}}, %[[AOFF:[^,]*]], {{.*}} = memref.extract_strided_metadata %[[ACC]]
// CHECK-NEXT:    %[[C4:.*]] = arith.constant 4 : index
// CHECK-NEXT:    %[[ABYTES:.*]] = arith.muli %[[AOFF]], %[[C4]] : index
// CHECK-NEXT:    %[[AADDR:.*]] = arith.addi %[[ABASE]], %[[ABYTES]] : index
// CHECK:         %[[AP:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[S]]
// CHECK:         %[[SP:.*]] = llvm.inttoptr
// CHECK-NEXT:    call @pex_conv2d_s8_consume(%[[P]], %[[C0]], %[[K]], %[[XP]], %[[WP]], %[[AP]], %[[SP]]) : (!llvm.ptr, i32, i32, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK:       func.func private @pex_conv2d_s8_consume(!llvm.ptr, i32, i32, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
func.func @accumulate_segmented(%x: memref<1x4x4x3xi8>, %wbuf: memref<16x3x3x24xi8>, %acc: memref<1x4x4x16xi32>, %s: memref<108xi8>) {
  %w = memref.subview %wbuf[0, 0, 0, 21] [16, 3, 3, 3] [1, 1, 1, 1] : memref<16x3x3x24xi8> to memref<16x3x3x3xi8, strided<[216, 72, 24, 1], offset: 21>>
  kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = -128 : i32} : (memref<1x4x4x3xi8>, memref<16x3x3x3xi8, strided<[216, 72, 24, 1], offset: 21>>, memref<1x4x4x16xi32>, memref<108xi8>) -> ()
  return
}

// -----

// Dense weights of 3 channels per tap: the groups of four straddle the taps
// and the kernel stages each window, 4 * 27 + 28 = 136 bytes of scratch.

// CHECK:       memref.global "private" constant @__pex_kernel_params : memref<21xi32> = dense<[5, 5, 3, 3, 3, 3, 4, 4, 3, 3, 1, 1, 1, 1, 0, 0, 3, 5, 0, -128, 127]> {alignment = 4 : i64}
// CHECK-LABEL: func.func @accumulate_staged(
// CHECK:         call @pex_conv2d_s8_consume(
func.func @accumulate_staged(%x: memref<1x5x5x3xi8>, %w: memref<4x3x3x3xi8>, %acc: memref<1x3x3x4xi32>, %s: memref<136xi8>) {
  kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 5 : i32} : (memref<1x5x5x3xi8>, memref<4x3x3x3xi8>, memref<1x3x3x4xi32>, memref<136xi8>) -> ()
  return
}

// -----

// The verifier accepts the 108 bytes of segmented weights; these are dense.

func.func @accumulate_staged_small_scratch(%x: memref<1x5x5x3xi8>, %w: memref<4x3x3x3xi8>, %acc: memref<1x3x3x4xi32>, %s: memref<108xi8>) {
  // expected-error@+1 {{'kernel.conv2d_accumulate' op scratch is smaller than the 136 bytes the kernel needs}}
  kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 5 : i32} : (memref<1x5x5x3xi8>, memref<4x3x3x3xi8>, memref<1x3x3x4xi32>, memref<108xi8>) -> ()
  return
}

// -----

// The finish takes its geometry as arguments: 3 * 5 = 15 pixels of 8
// channels, accumulator pixels 12 apart (channels [4, 12) of 12), output
// pixels 20 apart (channels [12, 20) of 20).

// CHECK-NOT:   memref.global
// CHECK-LABEL: func.func @requantize(
// CHECK-SAME:    %[[ACCBUF:[^:]*]]: memref<1x3x5x12xi32>, %[[B:[^:]*]]: memref<8xi32>, %[[M:[^:]*]]: memref<8xi32>, %[[SH:[^:]*]]: memref<8xi8>, %[[YBUF:[^:]*]]: memref<1x3x5x20xi8>)
// CHECK:         %[[ACC:.*]] = memref.subview %[[ACCBUF]][0, 0, 0, 4] [1, 3, 5, 8] [1, 1, 1, 1]
// CHECK:         %[[Y:.*]] = memref.subview %[[YBUF]][0, 0, 0, 12] [1, 3, 5, 8] [1, 1, 1, 1]
// CHECK-NEXT:    %[[ABASE:.*]] = memref.extract_aligned_pointer_as_index %[[ACC]]
// CHECK-NEXT:    %{{[^,]*}}, %[[AOFF:[^,]*]], {{.*}} = memref.extract_strided_metadata %[[ACC]]
// CHECK-NEXT:    %[[C4:.*]] = arith.constant 4 : index
// CHECK-NEXT:    %[[ABYTES:.*]] = arith.muli %[[AOFF]], %[[C4]] : index
// CHECK-NEXT:    %[[AADDR:.*]] = arith.addi %[[ABASE]], %[[ABYTES]] : index
// CHECK-NEXT:    %[[AWORD:.*]] = arith.index_cast %[[AADDR]] : index to i32
// CHECK-NEXT:    %[[AP:.*]] = llvm.inttoptr %[[AWORD]] : i32 to !llvm.ptr
// CHECK-NEXT:    %[[PIXELS:.*]] = arith.constant 15 : i32
// CHECK-NEXT:    %[[CHANNELS:.*]] = arith.constant 8 : i32
// CHECK-NEXT:    %[[ASTRIDE:.*]] = arith.constant 12 : i32
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[B]]
// CHECK:         %[[BP:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[M]]
// CHECK:         %[[MP:.*]] = llvm.inttoptr
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[SH]]
// CHECK:         %[[SHP:.*]] = llvm.inttoptr
// CHECK-NEXT:    %[[ZP:.*]] = arith.constant -5 : i32
// CHECK-NEXT:    %[[MIN:.*]] = arith.constant -100 : i32
// CHECK-NEXT:    %[[MAX:.*]] = arith.constant 100 : i32
// CHECK-NEXT:    memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK:         %[[YP:.*]] = llvm.inttoptr
// CHECK-NEXT:    %[[YSTRIDE:.*]] = arith.constant 20 : i32
// CHECK-NEXT:    call @pex_requantize_s32_s8(%[[AP]], %[[PIXELS]], %[[CHANNELS]], %[[ASTRIDE]], %[[BP]], %[[MP]], %[[SHP]], %[[ZP]], %[[MIN]], %[[MAX]], %[[YP]], %[[YSTRIDE]]) : (!llvm.ptr, i32, i32, i32, !llvm.ptr, !llvm.ptr, !llvm.ptr, i32, i32, i32, !llvm.ptr, i32) -> ()
// CHECK:       func.func private @pex_requantize_s32_s8(!llvm.ptr, i32, i32, i32, !llvm.ptr, !llvm.ptr, !llvm.ptr, i32, i32, i32, !llvm.ptr, i32)
func.func @requantize(%accbuf: memref<1x3x5x12xi32>, %b: memref<8xi32>, %m: memref<8xi32>, %sh: memref<8xi8>, %ybuf: memref<1x3x5x20xi8>) {
  %acc = memref.subview %accbuf[0, 0, 0, 4] [1, 3, 5, 8] [1, 1, 1, 1] : memref<1x3x5x12xi32> to memref<1x3x5x8xi32, strided<[180, 60, 12, 1], offset: 4>>
  %y = memref.subview %ybuf[0, 0, 0, 12] [1, 3, 5, 8] [1, 1, 1, 1] : memref<1x3x5x20xi8> to memref<1x3x5x8xi8, strided<[300, 100, 20, 1], offset: 12>>
  kernel.requantize %acc, %b, %m, %sh, %y {output_zp = -5 : i32, act_min = -100 : i32, act_max = 100 : i32} : (memref<1x3x5x8xi32, strided<[180, 60, 12, 1], offset: 4>>, memref<8xi32>, memref<8xi32>, memref<8xi8>, memref<1x3x5x8xi8, strided<[300, 100, 20, 1], offset: 12>>) -> ()
  return
}

// -----

// Identical parameter blocks share one global, across operations of
// different kinds and across functions: a 16-channel 3x3 convolution with
// 16 output channels is described like the depthwise convolution of the same
// geometry. New blocks go to the front of the module, declarations to the
// end, once each.

// CHECK:       memref.global "private" constant @__pex_kernel_params_0 : memref<10xi32> = dense<[1, 16, 4, 16, 4, 16, 0, 0, -128, 127]>
// CHECK-NEXT:  memref.global "private" constant @__pex_kernel_params : memref<21xi32> = dense<[8, 8, 16, 16, 8, 8, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 16, 0, 0, -128, 127]>
// CHECK-NOT:   memref.global
// CHECK-LABEL: func.func @shared_first(
// CHECK:         memref.get_global @__pex_kernel_params : memref<21xi32>
// CHECK:         call @pex_conv2d_s8(
// CHECK:         memref.get_global @__pex_kernel_params : memref<21xi32>
// CHECK:         call @pex_depthwise_conv2d_s8(
// CHECK-LABEL: func.func @shared_second(
// CHECK:         memref.get_global @__pex_kernel_params : memref<21xi32>
// CHECK:         call @pex_conv2d_s8(
// CHECK:         memref.get_global @__pex_kernel_params_0 : memref<10xi32>
// CHECK:         call @pex_fully_connected_s8(
// CHECK:       func.func private @pex_conv2d_s8(
// CHECK-NEXT:  func.func private @pex_depthwise_conv2d_s8(
// CHECK-NEXT:  func.func private @pex_fully_connected_s8(
// CHECK-NOT:   func.func private
module {
  func.func @shared_first(%x: memref<1x8x8x16xi8>, %w: memref<16x3x3x16xi8>, %dw: memref<3x3x16x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>, %z: memref<1x8x8x16xi8>, %s: memref<576xi8>) {
    kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<16x3x3x16xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>, memref<576xi8>) -> ()
    kernel.depthwise_conv2d %y, %dw, %b, %m, %sh, %z {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
    return
  }
  func.func @shared_second(%x: memref<1x8x8x16xi8>, %w: memref<16x3x3x16xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>, %s: memref<576xi8>, %v: memref<1x1x1x16xi8>, %fw: memref<4x1x1x16xi8>, %fb: memref<4xi32>, %fm: memref<4xi32>, %fsh: memref<4xi8>, %fy: memref<1x1x1x4xi8>) {
    kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<16x3x3x16xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>, memref<576xi8>) -> ()
    kernel.fully_connected %v, %fw, %fb, %fm, %fsh, %fy {input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x1x1x16xi8>, memref<4x1x1x16xi8>, memref<4xi32>, memref<4xi32>, memref<4xi8>, memref<1x1x1x4xi8>) -> ()
    return
  }
}

// -----

// A symbol of the module that already has the block's name keeps it; an
// existing declaration of the function is reused.

// CHECK:       memref.global "private" constant @__pex_kernel_params_0 : memref<10xi32> = dense<[1, 16, 4, 16, 4, 16, 0, 0, -128, 127]>
// CHECK-NEXT:  memref.global "private" @__pex_kernel_params : memref<4xi32>
// CHECK-NEXT:  func.func private @pex_fully_connected_s8(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
// CHECK-LABEL: func.func @existing_symbols(
// CHECK:         memref.get_global @__pex_kernel_params_0 : memref<10xi32>
// CHECK:         call @pex_fully_connected_s8(
// CHECK-NOT:     func.func private
module {
  memref.global "private" @__pex_kernel_params : memref<4xi32> = uninitialized
  func.func private @pex_fully_connected_s8(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
  func.func @existing_symbols(%v: memref<1x1x1x16xi8>, %fw: memref<4x1x1x16xi8>, %fb: memref<4xi32>, %fm: memref<4xi32>, %fsh: memref<4xi8>, %fy: memref<1x1x1x4xi8>) {
    kernel.fully_connected %v, %fw, %fb, %fm, %fsh, %fy {input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x1x1x16xi8>, memref<4x1x1x16xi8>, memref<4xi32>, memref<4xi32>, memref<4xi8>, memref<1x1x1x4xi8>) -> ()
    return
  }
}

// -----

func.func @tensors(%acc: tensor<1x8x8x16xi32>, %b: tensor<16xi32>, %m: tensor<16xi32>, %sh: tensor<16xi8>, %out: tensor<1x8x8x16xi8>) -> tensor<1x8x8x16xi8> {
  // expected-error@+1 {{'kernel.requantize' op must be bufferized before it becomes a call}}
  %y = kernel.requantize %acc, %b, %m, %sh, %out {output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (tensor<1x8x8x16xi32>, tensor<16xi32>, tensor<16xi32>, tensor<16xi8>, tensor<1x8x8x16xi8>) -> tensor<1x8x8x16xi8>
  return %y : tensor<1x8x8x16xi8>
}

// -----

// Every other bias value.

func.func @strided_bias(%x: memref<1x8x8x16xi8>, %w: memref<3x3x16x1xi8>, %bbuf: memref<32xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  %b = memref.subview %bbuf[0] [16] [2] : memref<32xi32> to memref<16xi32, strided<[2]>>
  // expected-error@+1 {{'kernel.depthwise_conv2d' op has a per-channel operand the kernel cannot address: 'memref<16xi32, strided<[2]>>'}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8>, memref<16xi32, strided<[2]>>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @dynamic_shift_stride(%acc: memref<1x8x8x16xi32>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8, strided<[?], offset: ?>>, %y: memref<1x8x8x16xi8>) {
  // expected-error@+1 {{'kernel.requantize' op has a per-channel operand the kernel cannot address: 'memref<16xi8, strided<[?], offset: ?>>'}}
  kernel.requantize %acc, %b, %m, %sh, %y {output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi32>, memref<16xi32>, memref<16xi32>, memref<16xi8, strided<[?], offset: ?>>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

// A dynamic offset is fine (the pointer carries it); dynamic strides are not.

// CHECK-LABEL: func.func @dynamic_offset(
// CHECK:         call @pex_conv2d_s8(
func.func @dynamic_offset(%x: memref<1x8x8x16xi8, strided<[1024, 128, 16, 1], offset: ?>>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32, strided<[1], offset: ?>>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8, strided<[1024, 128, 16, 1], offset: ?>>, memref<32x1x1x16xi8>, memref<32xi32, strided<[1], offset: ?>>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

func.func @dynamic_input_strides(%x: memref<1x8x8x16xi8, strided<[?, ?, ?, 1], offset: ?>>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  // expected-error@+1 {{'kernel.conv2d' op has a buffer layout the kernel cannot address}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8, strided<[?, ?, ?, 1], offset: ?>>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

// Every other channel of the input.

func.func @strided_channels(%xbuf: memref<1x8x8x32xi8>, %w: memref<32x1x1x16xi8>, %b: memref<32xi32>, %m: memref<32xi32>, %sh: memref<32xi8>, %y: memref<1x8x8x32xi8>, %s: memref<64xi8>) {
  %x = memref.subview %xbuf[0, 0, 0, 0] [1, 8, 8, 16] [1, 1, 1, 2] : memref<1x8x8x32xi8> to memref<1x8x8x16xi8, strided<[2048, 256, 32, 2]>>
  // expected-error@+1 {{'kernel.conv2d' op has a buffer layout the kernel cannot address}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8, strided<[2048, 256, 32, 2]>>, memref<32x1x1x16xi8>, memref<32xi32>, memref<32xi32>, memref<32xi8>, memref<1x8x8x32xi8>, memref<64xi8>) -> ()
  return
}

// -----

// The kernel writes output pixels one after the other: an output view whose
// rows are wider than its pixels cannot be addressed.

func.func @cropped_output(%x: memref<1x8x8x16xi8>, %w: memref<16x1x1x16xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %ybuf: memref<1x8x9x16xi8>, %s: memref<64xi8>) {
  %y = memref.subview %ybuf[0, 0, 0, 0] [1, 8, 8, 16] [1, 1, 1, 1] : memref<1x8x9x16xi8> to memref<1x8x8x16xi8, strided<[1152, 144, 16, 1]>>
  // expected-error@+1 {{'kernel.conv2d' op has a buffer layout the kernel cannot address}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<16x1x1x16xi8>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8, strided<[1152, 144, 16, 1]>>, memref<64xi8>) -> ()
  return
}

// -----

// Weights that are a 3x3 window of 5x5 taps.

func.func @cropped_weight_taps(%x: memref<1x8x8x8xi8>, %wbuf: memref<16x5x5x8xi8>, %acc: memref<1x8x8x16xi32>, %s: memref<288xi8>) {
  %w = memref.subview %wbuf[0, 1, 1, 0] [16, 3, 3, 8] [1, 1, 1, 1] : memref<16x5x5x8xi8> to memref<16x3x3x8xi8, strided<[200, 40, 8, 1], offset: 48>>
  // expected-error@+1 {{'kernel.conv2d_accumulate' op has a buffer layout the kernel cannot address}}
  kernel.conv2d_accumulate %x, %w, %acc, %s {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32} : (memref<1x8x8x8xi8>, memref<16x3x3x8xi8, strided<[200, 40, 8, 1], offset: 48>>, memref<1x8x8x16xi32>, memref<288xi8>) -> ()
  return
}

// -----

func.func @depthwise_strided_weights(%x: memref<1x8x8x16xi8>, %wbuf: memref<3x3x32x1xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  %w = memref.subview %wbuf[0, 0, 0, 0] [3, 3, 16, 1] [1, 1, 2, 1] : memref<3x3x32x1xi8> to memref<3x3x16x1xi8, strided<[96, 32, 2, 1]>>
  // expected-error@+1 {{'kernel.depthwise_conv2d' op has a buffer layout the kernel cannot address}}
  kernel.depthwise_conv2d %x, %w, %b, %m, %sh, %y {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi8>, memref<3x3x16x1xi8, strided<[96, 32, 2, 1]>>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

func.func @fully_connected_strided_features(%xbuf: memref<1x1x1x128xi8>, %w: memref<10x1x1x64xi8>, %b: memref<10xi32>, %m: memref<10xi32>, %sh: memref<10xi8>, %y: memref<1x1x1x10xi8>) {
  %x = memref.subview %xbuf[0, 0, 0, 0] [1, 1, 1, 64] [1, 1, 1, 2] : memref<1x1x1x128xi8> to memref<1x1x1x64xi8, strided<[128, 128, 128, 2]>>
  // expected-error@+1 {{'kernel.fully_connected' op has a buffer layout the kernel cannot address}}
  kernel.fully_connected %x, %w, %b, %m, %sh, %y {input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x1x1x64xi8, strided<[128, 128, 128, 2]>>, memref<10x1x1x64xi8>, memref<10xi32>, memref<10xi32>, memref<10xi8>, memref<1x1x1x10xi8>) -> ()
  return
}

// -----

func.func @requantize_cropped_accumulator(%accbuf: memref<1x8x9x16xi32>, %b: memref<16xi32>, %m: memref<16xi32>, %sh: memref<16xi8>, %y: memref<1x8x8x16xi8>) {
  %acc = memref.subview %accbuf[0, 0, 0, 0] [1, 8, 8, 16] [1, 1, 1, 1] : memref<1x8x9x16xi32> to memref<1x8x8x16xi32, strided<[1152, 144, 16, 1]>>
  // expected-error@+1 {{'kernel.requantize' op has a buffer layout the kernel cannot address}}
  kernel.requantize %acc, %b, %m, %sh, %y {output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x8x8x16xi32, strided<[1152, 144, 16, 1]>>, memref<16xi32>, memref<16xi32>, memref<16xi8>, memref<1x8x8x16xi8>) -> ()
  return
}

// -----

// The kernels read their scratch as one contiguous block.

func.func @strided_scratch(%x: memref<1x4x4x4xi8>, %w: memref<8x1x1x4xi8>, %b: memref<8xi32>, %m: memref<8xi32>, %sh: memref<8xi8>, %y: memref<1x4x4x8xi8>, %s: memref<16xi8, strided<[2]>>) {
  // expected-error@+1 {{'kernel.conv2d' op has a scratch buffer that is not contiguous: 'memref<16xi8, strided<[2]>>'}}
  kernel.conv2d %x, %w, %b, %m, %sh, %y, %s {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, input_zp = 0 : i32, output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x4x4x4xi8>, memref<8x1x1x4xi8>, memref<8xi32>, memref<8xi32>, memref<8xi8>, memref<1x4x4x8xi8>, memref<16xi8, strided<[2]>>) -> ()
  return
}

// -----

// A declaration of a library function with another type is not reused.

func.func private @pex_requantize_s32_s8(i32)

func.func @conflicting_declaration(%acc: memref<1x2x2x4xi32>, %b: memref<4xi32>, %m: memref<4xi32>, %sh: memref<4xi8>, %y: memref<1x2x2x4xi8>) {
  // expected-error@+1 {{'kernel.requantize' op needs @pex_requantize_s32_s8 of type '(!llvm.ptr, i32, i32, i32, !llvm.ptr, !llvm.ptr, !llvm.ptr, i32, i32, i32, !llvm.ptr, i32) -> ()', but the module defines another symbol of that name}}
  kernel.requantize %acc, %b, %m, %sh, %y {output_zp = 0 : i32, act_min = -128 : i32, act_max = 127 : i32} : (memref<1x2x2x4xi32>, memref<4xi32>, memref<4xi32>, memref<4xi8>, memref<1x2x2x4xi8>) -> ()
  return
}
