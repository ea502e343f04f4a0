// TailorCore
