// TailorServer
