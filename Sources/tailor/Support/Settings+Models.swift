import TailorEngine
import TailorServer

extension Settings {
    /// The recommendation model file: `TAILOR_MODELS_DIR/recommendations.als`, else beside the SQLite file.
    var recommendationModelPath: String {
        RecommendationModel.defaultPath(databaseURL: databaseURL, modelsDirectory: modelsDirectory)
    }
}

extension ServerSettings {
    /// The same settings, with the recommendation model read from `path`.
    func recommending(from path: String) -> ServerSettings {
        var copy = self
        copy.recommendationModelPath = path
        return copy
    }
}
