"""Domain errors about certificates and certifications; views turn them into messages."""


class CertificateError(Exception):
    """A refusal the learner may read."""


class CertificateNotEarned(CertificateError):
    def __init__(self):
        super().__init__(
            "Complete every lesson (and pass the course's quizzes) to get your certificate."
        )


class NotCertified(CertificateError):
    def __init__(self):
        super().__init__(
            "Only a customer holding a current certification can create a trainer profile."
        )


class ProfileExists(CertificateError):
    def __init__(self):
        super().__init__("This account already has a trainer profile.")
