//===- FlatBuffer.cpp - bounds-checked FlatBuffer reader ------------------===//

#include "FlatBuffer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"

using namespace mlir::pex::tflite;

static_assert(llvm::endianness::native == llvm::endianness::little,
              "the reader copies little-endian FlatBuffer scalars as is");

FlatBufferReader::FlatBufferReader(llvm::ArrayRef<uint8_t> data,
                                   uint64_t workBudget)
    : data(data), workBudget(workBudget) {}

bool FlatBufferReader::fail(uint64_t offset, const llvm::Twine &message) {
  if (!error)
    error = DecodeError{offset, message.str()};
  return false;
}

bool FlatBufferReader::charge(uint64_t units, uint64_t offset,
                              llvm::StringRef what) {
  if (!ok())
    return false;
  workDone += units;
  if (workDone <= workBudget)
    return true;
  return fail(offset, what + ": decoding would touch more than " +
                          llvm::Twine(workBudget) +
                          " elements and bytes, far more than the file holds "
                          "(shared or repeated sub-objects)");
}

std::optional<TableRef> FlatBufferReader::root(llvm::StringRef identifier,
                                               llvm::StringRef rootName) {
  uint64_t header = 4 + identifier.size();
  if (data.size() < header) {
    fail(0, "file of " + llvm::Twine(data.size()) +
                " bytes is too short for a FlatBuffer header (" +
                llvm::Twine(header) + " bytes)");
    return std::nullopt;
  }
  llvm::StringRef found(reinterpret_cast<const char *>(data.data()) + 4,
                        identifier.size());
  if (found != identifier) {
    fail(4, "file identifier is 0x" + llvm::toHex(found) + ", expected '" +
                identifier + "'");
    return std::nullopt;
  }
  return tableAt(load<uint32_t>(0), rootName.str());
}

std::optional<TableRef> FlatBufferReader::tableAt(uint64_t position,
                                                  std::string path) {
  if (!ok())
    return std::nullopt;
  if (position + 4 > data.size()) {
    fail(position, path + ": table at offset " + llvm::Twine(position) +
                       " lies outside the file (" + llvm::Twine(data.size()) +
                       " bytes)");
    return std::nullopt;
  }
  int64_t vtable = static_cast<int64_t>(position) - load<int32_t>(position);
  if (vtable < 0 || static_cast<uint64_t>(vtable) + 4 > data.size()) {
    fail(position, path + ": vtable of the table at offset " +
                       llvm::Twine(position) + " would be at " +
                       llvm::Twine(vtable) + ", outside the file (" +
                       llvm::Twine(data.size()) + " bytes)");
    return std::nullopt;
  }
  TableRef table;
  table.position = position;
  table.vtable = static_cast<uint64_t>(vtable);
  table.vtableSize = load<uint16_t>(table.vtable);
  table.tableSize = load<uint16_t>(table.vtable + 2);
  table.path = std::move(path);
  if (table.vtableSize < 4 || table.vtableSize % 2 != 0) {
    fail(table.vtable, table.path + ": vtable size " +
                           llvm::Twine(table.vtableSize) +
                           " is not an even number of at least 4 bytes");
    return std::nullopt;
  }
  if (table.vtable + table.vtableSize > data.size()) {
    fail(table.vtable, table.path + ": vtable of " +
                           llvm::Twine(table.vtableSize) +
                           " bytes extends past the end of the file (" +
                           llvm::Twine(data.size()) + " bytes)");
    return std::nullopt;
  }
  if (table.tableSize < 4) {
    fail(table.vtable, table.path + ": table size " +
                           llvm::Twine(table.tableSize) +
                           " is smaller than the table's own 4-byte header");
    return std::nullopt;
  }
  if (position + table.tableSize > data.size()) {
    fail(position, table.path + ": table of " + llvm::Twine(table.tableSize) +
                       " bytes extends past the end of the file (" +
                       llvm::Twine(data.size()) + " bytes)");
    return std::nullopt;
  }
  return table;
}

bool FlatBufferReader::has(const TableRef &table, unsigned index) const {
  uint64_t slot = 4 + 2 * static_cast<uint64_t>(index);
  if (slot + 2 > table.vtableSize)
    return false;
  return load<uint16_t>(table.vtable + slot) != 0;
}

std::optional<uint64_t> FlatBufferReader::fieldPosition(const TableRef &table,
                                                        unsigned index,
                                                        unsigned width,
                                                        llvm::StringRef name) {
  if (!ok() || !has(table, index))
    return std::nullopt;
  uint64_t slot = 4 + 2 * static_cast<uint64_t>(index);
  uint16_t offset = load<uint16_t>(table.vtable + slot);
  if (static_cast<uint64_t>(offset) + width > table.tableSize) {
    fail(table.vtable + slot,
         table.path + "." + name + ": the vtable places this " +
             llvm::Twine(width) + "-byte field at table offset " +
             llvm::Twine(offset) + ", past the table's " +
             llvm::Twine(table.tableSize) + " bytes");
    return std::nullopt;
  }
  return table.position + offset;
}

std::optional<uint64_t> FlatBufferReader::follow(uint64_t position,
                                                 uint64_t minimumSize,
                                                 const llvm::Twine &what) {
  uint64_t target = position + load<uint32_t>(position);
  if (target + minimumSize > data.size()) {
    fail(position, what + ": offset " + llvm::Twine(load<uint32_t>(position)) +
                       " points to " + llvm::Twine(target) +
                       ", outside the file (" + llvm::Twine(data.size()) +
                       " bytes)");
    return std::nullopt;
  }
  return target;
}

std::optional<VectorRef> FlatBufferReader::vectorAt(uint64_t position,
                                                    unsigned elementSize,
                                                    std::string path) {
  VectorRef vector;
  vector.position = position;
  vector.length = load<uint32_t>(position);
  vector.elementSize = elementSize;
  vector.path = std::move(path);
  uint64_t end = position + 4 + vector.length * elementSize;
  if (end > data.size()) {
    fail(position, vector.path + ": vector of " + llvm::Twine(vector.length) +
                       " elements of " + llvm::Twine(elementSize) +
                       " bytes ends at " + llvm::Twine(end) +
                       ", past the end of the file (" +
                       llvm::Twine(data.size()) + " bytes)");
    return std::nullopt;
  }
  return vector;
}

std::optional<llvm::StringRef>
FlatBufferReader::stringAt(uint64_t position, const llvm::Twine &path) {
  std::optional<VectorRef> chars = vectorAt(position, 1, path.str());
  if (!chars)
    return std::nullopt;
  uint64_t end = chars->elementPosition(chars->length);
  if (end >= data.size() || data[end] != 0) {
    fail(position, path + ": string of " + llvm::Twine(chars->length) +
                       " bytes is not NUL-terminated inside the file");
    return std::nullopt;
  }
  return llvm::StringRef(reinterpret_cast<const char *>(data.data()) +
                             position + 4,
                         chars->length);
}

std::optional<TableRef> FlatBufferReader::table(const TableRef &parent,
                                                unsigned index,
                                                llvm::StringRef name) {
  std::optional<uint64_t> at = fieldPosition(parent, index, 4, name);
  if (!at)
    return std::nullopt;
  std::string path = (parent.path + "." + name).str();
  std::optional<uint64_t> target = follow(*at, 4, path);
  if (!target)
    return std::nullopt;
  return tableAt(*target, std::move(path));
}

std::optional<VectorRef> FlatBufferReader::vector(const TableRef &parent,
                                                  unsigned index,
                                                  unsigned elementSize,
                                                  llvm::StringRef name) {
  std::optional<uint64_t> at = fieldPosition(parent, index, 4, name);
  if (!at)
    return std::nullopt;
  std::string path = (parent.path + "." + name).str();
  std::optional<uint64_t> target = follow(*at, 4, path);
  if (!target)
    return std::nullopt;
  return vectorAt(*target, elementSize, std::move(path));
}

std::optional<llvm::StringRef> FlatBufferReader::string(const TableRef &parent,
                                                        unsigned index,
                                                        llvm::StringRef name) {
  std::optional<uint64_t> at = fieldPosition(parent, index, 4, name);
  if (!at)
    return std::nullopt;
  std::string path = (parent.path + "." + name).str();
  std::optional<uint64_t> target = follow(*at, 4, path);
  if (!target)
    return std::nullopt;
  return stringAt(*target, path);
}

std::optional<TableRef> FlatBufferReader::tableElement(const VectorRef &vector,
                                                       uint64_t index) {
  if (!ok())
    return std::nullopt;
  std::string path = (vector.path + "[" + llvm::Twine(index) + "]").str();
  if (index >= vector.length || vector.elementSize != 4) {
    fail(vector.position, "internal: " + path + " read as a table");
    return std::nullopt;
  }
  std::optional<uint64_t> target =
      follow(vector.elementPosition(index), 4, path);
  if (!target)
    return std::nullopt;
  return tableAt(*target, std::move(path));
}

std::optional<llvm::StringRef>
FlatBufferReader::stringElement(const VectorRef &vector, uint64_t index) {
  if (!ok())
    return std::nullopt;
  std::string path = (vector.path + "[" + llvm::Twine(index) + "]").str();
  if (index >= vector.length || vector.elementSize != 4) {
    fail(vector.position, "internal: " + path + " read as a string");
    return std::nullopt;
  }
  std::optional<uint64_t> target =
      follow(vector.elementPosition(index), 4, path);
  if (!target)
    return std::nullopt;
  return stringAt(*target, path);
}

llvm::ArrayRef<uint8_t>
FlatBufferReader::byteElements(const VectorRef &vector) const {
  return data.slice(vector.position + 4, vector.length * vector.elementSize);
}
