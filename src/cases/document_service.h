// Typed documents on a case (medical certificate, complaint, police minutes, ...): typed metadata,
// optional uploaded files (PDF, JPEG, PNG) checked, stripped of metadata and sealed, and every
// version kept. Which types a unit reads or adds is part of the access policy (document.read,
// document.create with the type as subtype). Every call is authorized and audited.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "access/subject.h"
#include "cases/deps.h"
#include "cases/model.h"
#include "common/status.h"

namespace tamkine::cases {

class DocumentService {
 public:
  explicit DocumentService(Deps deps) : deps_(std::move(deps)) {}

  // InvalidArgument naming the field for an unknown type, bad metadata or a file that is not a
  // PDF, JPEG or PNG; PayloadTooLarge (field "file.content_base64") above kMaxDocumentBytes.
  StatusOr<DocumentView> Create(const access::RequestContext& ctx, const std::string& case_id,
                                const DocumentInput& in);
  // A new version of the file (the metadata stays); policy document.create for the type.
  StatusOr<DocumentView> AddVersion(const access::RequestContext& ctx, const std::string& case_id,
                                    const std::string& document_id, const DocumentFileInput& file,
                                    const std::optional<std::string>& acting_unit_id);
  // The documents the viewer may read, without metadata (policy case.read_core; each document
  // behind document.read for its type).
  StatusOr<std::vector<DocumentView>> List(const access::RequestContext& ctx,
                                           const std::string& case_id);
  // One document with its metadata and versions.
  StatusOr<DocumentView> Get(const access::RequestContext& ctx, const std::string& case_id,
                             const std::string& document_id);
  // The bytes of one version (0 = the current one). NotFound for a document without a file.
  StatusOr<FileContent> Content(const access::RequestContext& ctx, const std::string& case_id,
                                const std::string& document_id, int64_t version);

 private:
  Deps deps_;
};

}  // namespace tamkine::cases
