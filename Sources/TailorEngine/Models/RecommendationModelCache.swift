public import Foundation

/// The recommendation model of a running server: read from its file on first use and read again when
/// the file changes (a `tailor recommend train` replaces it atomically), so that the server needs no
/// restart after training.
public actor RecommendationModelCache {
    public nonisolated let path: String
    private var loaded: (model: RecommendationModel, modified: Date, size: Int)?

    public init(path: String) { self.path = path }

    /// The current model.
    /// - Throws: ``ModelError`` `.noModel` when none is trained yet, `.corruptModel` when the file is not one.
    public func model() throws(ModelError) -> RecommendationModel {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let attributes else {
            loaded = nil
            return try RecommendationModel.load(from: path)  // throws .noModel
        }
        let modified = attributes[.modificationDate] as? Date ?? .distantPast
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        if let loaded, loaded.modified == modified, loaded.size == size { return loaded.model }
        let model = try RecommendationModel.load(from: path)
        loaded = (model, modified, size)
        return model
    }
}
