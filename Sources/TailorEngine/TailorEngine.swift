// TailorEngine
