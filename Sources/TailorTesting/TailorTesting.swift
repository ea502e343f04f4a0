// TailorTesting
