// TailorStore
