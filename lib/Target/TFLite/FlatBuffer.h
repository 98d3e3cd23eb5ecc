//===- FlatBuffer.h - bounds-checked FlatBuffer reader ----------*- C++ -*-===//
//
// Reads tables, vectors, strings and scalars of a FlatBuffer without trusting
// a single offset, length or vtable entry of the file. Every read is checked
// against the buffer; the first failure is recorded with its file offset and
// the schema path being read, and every later read returns a default value,
// so callers check `ok()` at convenient points instead of after each read.
//
//===----------------------------------------------------------------------===//

#ifndef PEX_LIB_TARGET_TFLITE_FLATBUFFER_H
#define PEX_LIB_TARGET_TFLITE_FLATBUFFER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>

namespace mlir::pex::tflite {

/// Where a file is malformed and how.
struct DecodeError {
  uint64_t offset = 0;
  std::string message;
};

/// A table whose header and vtable have been checked against the buffer.
struct TableRef {
  uint64_t position = 0;   // of the table (its soffset to the vtable)
  uint64_t vtable = 0;     // position of the vtable
  uint16_t vtableSize = 0; // bytes, including the two header fields
  uint16_t tableSize = 0;  // bytes of the table's inline data
  std::string path;        // schema path, for messages
};

/// A vector whose length word and elements lie inside the buffer.
struct VectorRef {
  uint64_t position = 0; // of the length word; elements follow it
  uint64_t length = 0;
  unsigned elementSize = 0;
  std::string path;

  uint64_t elementPosition(uint64_t index) const {
    return position + 4 + index * elementSize;
  }
};

class FlatBufferReader {
public:
  /// `workBudget` bounds the number of elements and bytes the caller may
  /// decode or copy through this reader (see `charge`): FlatBuffers may
  /// share sub-objects, so a small hostile file can otherwise make a reader
  /// walk the same large vector millions of times.
  FlatBufferReader(llvm::ArrayRef<uint8_t> data, uint64_t workBudget);

  bool ok() const { return !error.has_value(); }
  const DecodeError &getError() const { return *error; }
  uint64_t size() const { return data.size(); }
  llvm::ArrayRef<uint8_t> bytes() const { return data; }

  /// Records a failure (only the first one is kept). Returns false so that
  /// callers can write `return reader.fail(...)`.
  bool fail(uint64_t offset, const llvm::Twine &message);

  /// Accounts for `units` of decoding work; fails past the budget.
  bool charge(uint64_t units, uint64_t offset, llvm::StringRef what);

  /// The root table; checks the 4-byte file identifier when not empty.
  std::optional<TableRef> root(llvm::StringRef identifier,
                               llvm::StringRef rootName);

  /// Whether field `index` is present in the table.
  bool has(const TableRef &table, unsigned index) const;

  /// A scalar field, or `defaultValue` when absent.
  template <typename T>
  T scalar(const TableRef &table, unsigned index, T defaultValue,
           llvm::StringRef name) {
    static_assert(std::is_arithmetic_v<T>, "scalar fields only");
    std::optional<uint64_t> at = fieldPosition(table, index, sizeof(T), name);
    if (!at)
      return defaultValue;
    return load<T>(*at);
  }

  /// A sub-table field; std::nullopt when absent or malformed.
  std::optional<TableRef> table(const TableRef &table, unsigned index,
                                llvm::StringRef name);
  /// A vector field of scalars (`elementSize` bytes each) or of offsets
  /// (elementSize 4); std::nullopt when absent or malformed.
  std::optional<VectorRef> vector(const TableRef &table, unsigned index,
                                  unsigned elementSize, llvm::StringRef name);
  /// A string field; std::nullopt when absent or malformed.
  std::optional<llvm::StringRef> string(const TableRef &table, unsigned index,
                                        llvm::StringRef name);

  /// Element `index` of a vector of scalars.
  template <typename T> T element(const VectorRef &vector, uint64_t index) {
    static_assert(std::is_arithmetic_v<T>, "scalar elements only");
    if (index >= vector.length || vector.elementSize != sizeof(T)) {
      fail(vector.position, "internal: element " + llvm::Twine(index) +
                                " of '" + vector.path + "' read as " +
                                llvm::Twine(sizeof(T)) + "-byte value");
      return T();
    }
    return load<T>(vector.elementPosition(index));
  }
  /// Element `index` of a vector of tables.
  std::optional<TableRef> tableElement(const VectorRef &vector, uint64_t index);
  /// Element `index` of a vector of strings.
  std::optional<llvm::StringRef> stringElement(const VectorRef &vector,
                                               uint64_t index);
  /// The bytes of a vector of 1-byte elements.
  llvm::ArrayRef<uint8_t> byteElements(const VectorRef &vector) const;

  /// Decodes the table at `position` (checks its header and vtable).
  std::optional<TableRef> tableAt(uint64_t position, std::string path);

private:
  template <typename T> T load(uint64_t position) const {
    T value;
    std::memcpy(&value, data.data() + position, sizeof(T));
    return value; // FlatBuffers are little-endian, like every Pex host.
  }
  /// Position of a present field whose `width` bytes lie inside the table.
  std::optional<uint64_t> fieldPosition(const TableRef &table, unsigned index,
                                        unsigned width, llvm::StringRef name);
  /// Follows the uoffset stored at `position`; the target must leave room
  /// for `minimumSize` bytes.
  std::optional<uint64_t> follow(uint64_t position, uint64_t minimumSize,
                                 const llvm::Twine &what);
  std::optional<VectorRef> vectorAt(uint64_t position, unsigned elementSize,
                                    std::string path);
  std::optional<llvm::StringRef> stringAt(uint64_t position,
                                          const llvm::Twine &path);

  llvm::ArrayRef<uint8_t> data;
  uint64_t workBudget;
  uint64_t workDone = 0;
  std::optional<DecodeError> error;
};

} // namespace mlir::pex::tflite

#endif // PEX_LIB_TARGET_TFLITE_FLATBUFFER_H
