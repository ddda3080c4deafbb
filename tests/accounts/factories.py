import factory
from allauth.account.models import EmailAddress

from accounts.models import User

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    account_type = User.AccountType.PERSONAL
    first_name = "Taro"
    last_name = factory.Sequence(lambda n: f"Yamada{n}")
    phone = "090-1234-5678"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class CorporateUserFactory(UserFactory):
    account_type = User.AccountType.CORPORATE
    first_name = ""
    last_name = ""
    corporation_name = factory.Sequence(lambda n: f"Tokyo Stay Holdings {n} K.K.")
