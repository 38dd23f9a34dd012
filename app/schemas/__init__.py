"""Request and response models, mirroring the API's resources."""
