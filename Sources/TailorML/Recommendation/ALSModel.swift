/// A fitted implicit-feedback factorisation: one factor vector per user and per item; the predicted
/// preference of user u for item i is x_u · y_i.
///
/// Indices are the rows and columns of the training ``InteractionMatrix``; ``users`` and ``items``
/// carry the string identifiers when the model was trained from an ``InteractionSet``.
public struct ALSModel: Sendable {
    /// The settings a model was fitted with, stored with it.
    public struct Hyperparameters: Sendable, Hashable {
        /// Number of latent factors.
        public var factors: Int
        /// L2 regularisation λ.
        public var regularization: Float
        /// Confidence scale α (c = 1 + α·w).
        public var alpha: Float
        /// ALS sweeps.
        public var iterations: Int
        /// Seed of the initial factors.
        public var seed: UInt64
    }

    let userFactors: FactorMatrix
    let itemFactors: FactorMatrix
    /// The settings the model was fitted with.
    public let hyperparameters: Hyperparameters
    /// User identifiers by index (empty when trained on a bare matrix).
    public var users: IDIndex = IDIndex()
    /// Item identifiers by index (empty when trained on a bare matrix).
    public var items: IDIndex = IDIndex()

    init(userFactors: FactorMatrix, itemFactors: FactorMatrix, hyperparameters: Hyperparameters) {
        self.userFactors = userFactors
        self.itemFactors = itemFactors
        self.hyperparameters = hyperparameters
    }

    /// Creates a model from dense row-major factors (users × factors, items × factors).
    /// - Throws: ``MLError`` `.invalidArgument` when the arrays are not whole rows.
    public init(userFactors: [Float], itemFactors: [Float], hyperparameters: Hyperparameters) throws(MLError) {
        let f = hyperparameters.factors
        guard f > 0, userFactors.count % f == 0, itemFactors.count % f == 0 else {
            throw MLError(.invalidArgument, "factor arrays must be whole rows of \(f) factors")
        }
        self.init(
            userFactors: FactorMatrix(rows: userFactors.count / f, factors: f, values: userFactors),
            itemFactors: FactorMatrix(rows: itemFactors.count / f, factors: f, values: itemFactors),
            hyperparameters: hyperparameters
        )
    }

    /// Number of users.
    public var userCount: Int { userFactors.rows }
    /// Number of items.
    public var itemCount: Int { itemFactors.rows }

    /// Dense row-major user factors (users × factors).
    public var userFactorValues: [Float] { userFactors.toArray() }
    /// Dense row-major item factors (items × factors).
    public var itemFactorValues: [Float] { itemFactors.toArray() }

    /// Predicted preference of `user` for `item`.
    public func score(user: Int, item: Int) -> Float {
        dot(userFactors.row(user), itemFactors.row(item), userFactors.chunks)
    }
}

extension ALSModel {
    /// Fits a model on an ``InteractionSet`` and keeps its identifiers.
    public static func fit(_ set: InteractionSet, with configuration: ImplicitALS) throws(MLError) -> ALSModel {
        var model = try configuration.fit(set.matrix)
        model.users = set.users
        model.items = set.items
        return model
    }
}
