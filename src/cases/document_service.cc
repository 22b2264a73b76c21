#include "cases/document_service.h"

#include "audit/guarded.h"
#include "cases/case_store.h"
#include "cases/case_view.h"
#include "cases/case_write.h"
#include "cases/media.h"
#include "cases/validate.h"
#include "cases/vocab.h"
#include "common/ids.h"
#include "crypto/keyring.h"

namespace tamkine::cases {

using internal::CaseCall;
using internal::CaseResource;
using internal::CaseRow;
using internal::MustLoadCase;
using internal::OnCase;
using internal::TouchCase;
using internal::Units;

namespace {

struct DocRow {
  std::string id;
  std::string case_id;
  std::string type;
  std::string owner_sector;
  std::string created_by_unit_id;
  Micros created_at = 0;
  Micros updated_at = 0;
  int64_t current_version = 0;
};

constexpr char kDocColumns[] =
    "id, case_id, doc_type, owner_sector, created_by_unit_id, created_at, updated_at, "
    "current_version";

DocRow DocFromRow(const storage::Row& r) {
  return {r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5), r.Int(6), r.Int(7)};
}

StatusOr<DocRow> LoadDoc(storage::Tx& tx, const std::string& case_id, const std::string& id) {
  if (!LooksLikeId(id)) return NotFound("no such document");
  ASSIGN_OR_RETURN(auto row, tx.QueryOne(std::string("SELECT ") + kDocColumns +
                                             " FROM documents WHERE id = ? AND case_id = ?",
                                         {id, case_id}));
  if (!row) return NotFound("no such document");
  return DocFromRow(*row);
}

// The units each document of the case was sent to with a live referral (none without the hook).
StatusOr<std::map<std::string, std::vector<std::string>>> SharesOf(const Deps& deps,
                                                                   storage::Tx& tx,
                                                                   const std::string& case_id) {
  if (deps.document_shares == nullptr) return std::map<std::string, std::vector<std::string>>();
  return deps.document_shares->SharedDocuments(tx, case_id);
}

// Runs `act` under audit::Guarded(action) on one document of the case, as the unit the user acts
// for; the decision sees the document's type and the sector that added it.
Status OnDocument(const Deps& deps, const access::RequestContext& ctx,
                  const std::optional<std::string>& unit_id, std::string_view action,
                  const std::string& case_id, const std::string& document_id,
                  const std::function<Status(CaseCall&, const DocRow&)>& act) {
  internal::Acting acting;
  RETURN_IF_ERROR(acting.Init(ctx, *deps.clock, unit_id, "acting_unit_id"));
  CaseRow row;
  DocRow doc;
  access::Resource resource;
  Status st = audit::Guarded(
      *deps.store, *deps.clock, acting.ctx(), {action},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(row, MustLoadCase(tx, case_id));
        ASSIGN_OR_RETURN(doc, LoadDoc(tx, case_id, document_id));
        ASSIGN_OR_RETURN(resource, CaseResource(tx, row, acting.subject(), acting.now(), doc.type));
        resource.owner_sector = doc.owner_sector;
        ASSIGN_OR_RETURN(auto shares, SharesOf(deps, tx, case_id));
        resource.shared_with_unit_ids = std::move(shares[doc.id]);
        return resource;
      },
      [&](storage::Tx& tx, const access::Decision& d) -> Status {
        CaseCall call{tx,           row,
                      resource,     acting.subject(),
                      acting.ctx(), {acting.subject().user_id, d.unit_id},
                      acting.now()};
        return act(call, doc);
      });
  return internal::HideFromExcluded(st, resource, acting.subject());
}

StatusOr<std::vector<VersionView>> LoadVersions(storage::Tx& tx, Units& units,
                                                const crypto::Keyring& k, const std::string& doc_id,
                                                bool with_filename) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, version, mime, size_bytes, stripped, "
                                       "uploaded_by_unit_id, uploaded_at, filename_sealed FROM "
                                       "document_versions WHERE document_id = ? ORDER BY version",
                                       {doc_id}));
  std::vector<VersionView> out;
  for (const auto& r : rows) {
    VersionView v;
    v.version = r.Int(1);
    v.mime = r.Text(2);
    v.size_bytes = r.Int(3);
    v.stripped = internal::SplitList(r.Text(4));
    ASSIGN_OR_RETURN(v.uploaded_by, units.Get(tx, r.Text(5)));
    v.uploaded_at = r.Int(6);
    if (with_filename) {
      ASSIGN_OR_RETURN(v.filename, internal::OpenOpt(k, "document_versions", "filename_sealed",
                                                     r.Text(0), r, 7));
    }
    out.push_back(std::move(v));
  }
  return out;
}

StatusOr<DocumentView> MakeView(storage::Tx& tx, Units& units, const crypto::Keyring& k,
                                const DocRow& d, bool full) {
  DocumentView v;
  v.id = d.id;
  v.case_id = d.case_id;
  v.type = d.type;
  ASSIGN_OR_RETURN(v.created_by, units.Get(tx, d.created_by_unit_id));
  v.created_at = d.created_at;
  v.updated_at = d.updated_at;
  v.current_version = d.current_version;
  ASSIGN_OR_RETURN(v.versions, LoadVersions(tx, units, k, d.id, full));
  if (full) {
    ASSIGN_OR_RETURN(auto row,
                     tx.QueryOne("SELECT metadata_sealed FROM documents WHERE id = ?", {d.id}));
    ASSIGN_OR_RETURN(std::string text, k.Open("documents", "metadata_sealed", d.id, row->Bytes(0)));
    ASSIGN_OR_RETURN(Json meta, ParseJson(text));
    v.metadata = std::move(meta);
  }
  return v;
}

}  // namespace

StatusOr<DocumentView> DocumentService::Create(const access::RequestContext& ctx,
                                               const std::string& case_id,
                                               const DocumentInput& in) {
  RETURN_IF_ERROR(CheckEnum(DocumentTypes(), in.type, "type"));
  ASSIGN_OR_RETURN(Json metadata,
                   ValidateDocumentMetadata(in.type, in.metadata, MoroccoDate(deps_.clock->Now())));
  std::optional<internal::CleanDocument> file;
  if (in.file) {
    ASSIGN_OR_RETURN(file, internal::CleanDocumentFile(*in.file));
  }
  DocumentView out;
  RETURN_IF_ERROR(OnCase(deps_, ctx, in.acting_unit_id, "acting_unit_id", "document.create",
                         case_id, in.type, [&](CaseCall& c) -> Status {
                           std::string sector;
                           for (const auto& m : c.subject.memberships) {
                             if (m.unit_id == c.actor.unit_id) sector = m.sector;
                           }
                           RETURN_IF_ERROR(TouchCase(c.tx, case_id, c.now));
                           ASSIGN_OR_RETURN(std::string id,
                                            internal::WriteDocument(
                                                c.tx, deps_, case_id, c.actor, sector, in.type,
                                                metadata, file ? &*file : nullptr, c.now));
                           Units units;
                           ASSIGN_OR_RETURN(DocRow doc, LoadDoc(c.tx, case_id, id));
                           ASSIGN_OR_RETURN(out, MakeView(c.tx, units, *deps_.keyring, doc, true));
                           return Status::Ok();
                         }));
  return out;
}

StatusOr<DocumentView> DocumentService::AddVersion(
    const access::RequestContext& ctx, const std::string& case_id, const std::string& document_id,
    const DocumentFileInput& file_in, const std::optional<std::string>& acting_unit_id) {
  ASSIGN_OR_RETURN(internal::CleanDocument file, internal::CleanDocumentFile(file_in));
  DocumentView out;
  RETURN_IF_ERROR(OnDocument(
      deps_, ctx, acting_unit_id, "document.create", case_id, document_id,
      [&](CaseCall& c, const DocRow& doc) -> Status {
        RETURN_IF_ERROR(TouchCase(c.tx, case_id, c.now));
        const int64_t version = doc.current_version + 1;
        ASSIGN_OR_RETURN(int64_t n,
                         c.tx.Exec("UPDATE documents SET current_version = ?, updated_at = ? "
                                   "WHERE id = ? AND current_version = ?",
                                   {version, c.now, document_id, doc.current_version}));
        if (n != 1) return Aborted("the document changed meanwhile; try again");
        RETURN_IF_ERROR(internal::WriteDocumentVersion(c.tx, *deps_.keyring, document_id, version,
                                                       file, c.actor, c.now));
        RETURN_IF_ERROR(internal::DocumentEvent(
            c.tx, deps_, case_id, c.actor, c.now, "document_version_added", doc.type,
            doc.owner_sector, document_id, std::to_string(version)));
        Units units;
        ASSIGN_OR_RETURN(DocRow fresh, LoadDoc(c.tx, case_id, document_id));
        ASSIGN_OR_RETURN(out, MakeView(c.tx, units, *deps_.keyring, fresh, true));
        return Status::Ok();
      }));
  return out;
}

StatusOr<std::vector<DocumentView>> DocumentService::List(const access::RequestContext& ctx,
                                                          const std::string& case_id) {
  std::vector<DocumentView> out;
  RETURN_IF_ERROR(OnCase(
      deps_, ctx, std::nullopt, "", "case.read_core", case_id, "", [&](CaseCall& c) -> Status {
        out.clear();
        ASSIGN_OR_RETURN(auto rows, c.tx.Query(std::string("SELECT ") + kDocColumns +
                                                   " FROM documents WHERE case_id = ? "
                                                   "ORDER BY created_at, id",
                                               {case_id}));
        Units units;
        ASSIGN_OR_RETURN(auto shares, SharesOf(deps_, c.tx, case_id));
        for (const auto& dr : rows) {
          DocRow d = DocFromRow(dr);
          access::Resource with = c.resource;
          with.subtype = d.type;
          with.owner_sector = d.owner_sector;
          with.shared_with_unit_ids = shares[d.id];
          if (!access::Authorize(c.subject, "document.read", with).allowed) {
            continue;
          }
          ASSIGN_OR_RETURN(auto v, MakeView(c.tx, units, *deps_.keyring, d, false));
          out.push_back(std::move(v));
        }
        return Status::Ok();
      }));
  return out;
}

StatusOr<DocumentView> DocumentService::Get(const access::RequestContext& ctx,
                                            const std::string& case_id,
                                            const std::string& document_id) {
  DocumentView out;
  RETURN_IF_ERROR(OnDocument(deps_, ctx, std::nullopt, "document.read", case_id, document_id,
                             [&](CaseCall& c, const DocRow& doc) -> Status {
                               Units units;
                               ASSIGN_OR_RETURN(out,
                                                MakeView(c.tx, units, *deps_.keyring, doc, true));
                               return Status::Ok();
                             }));
  return out;
}

StatusOr<FileContent> DocumentService::Content(const access::RequestContext& ctx,
                                               const std::string& case_id,
                                               const std::string& document_id, int64_t version) {
  FileContent out;
  RETURN_IF_ERROR(OnDocument(
      deps_, ctx, std::nullopt, "document.read", case_id, document_id,
      [&](CaseCall& c, const DocRow& doc) -> Status {
        const int64_t v = version == 0 ? doc.current_version : version;
        ASSIGN_OR_RETURN(auto r, c.tx.QueryOne("SELECT id, mime, content_sealed FROM "
                                               "document_versions WHERE document_id = ? AND "
                                               "version = ?",
                                               {document_id, v}));
        if (!r) return NotFound("this document has no such version");
        ASSIGN_OR_RETURN(
            std::string bytes,
            deps_.keyring->Open("document_versions", "content_sealed", r->Text(0), r->Bytes(2)));
        out.mime = r->Text(1);
        const std::string ext = out.mime == "application/pdf" ? "pdf"
                                : out.mime == "image/png"     ? "png"
                                                              : "jpg";
        out.download_name = doc.type + "-v" + std::to_string(v) + "." + ext;
        out.bytes.assign(bytes.begin(), bytes.end());
        return Status::Ok();
      }));
  return out;
}

}  // namespace tamkine::cases
