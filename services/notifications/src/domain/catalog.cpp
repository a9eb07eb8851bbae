#include "domain/catalog.hpp"

#include <algorithm>

namespace okada::notifications::domain {

namespace {
constexpr unsigned kPerson = kSms | kEmail | kPush | kInApp;
}

std::string_view ChannelName(unsigned bit) {
  switch (bit) {
    case kSms:
      return "sms";
    case kEmail:
      return "email";
    case kPush:
      return "push";
    default:
      return "in_app";
  }
}

const std::vector<Template>& Templates() {
  // SMS texts stay in one part where they can: French é è à ù are GSM-7, ê ç ô are not (they make it UCS-2).
  static const std::vector<Template> t = {
      {"order_confirmed",
       kPerson,
       false,
       {"Commande confirmée", "Okada : votre commande {order} ({total}) est confirmée. La boutique va la préparer."},
       {"Order confirmed", "Okada: your order {order} ({total}) is confirmed. The store will prepare it."}},
      {"order_accepted",
       kPerson,
       false,
       {"Commande acceptée", "Okada : {store} a accepté votre commande {order}. Préparation en cours."},
       {"Order accepted", "Okada: {store} accepted your order {order}. It is being prepared."}},
      {"rider_assigned",
       kPerson,
       true,
       {"Livreur trouvé", "Okada : un livreur prend votre commande {order}. Suivez-le dans l'application."},
       {"Rider on the way", "Okada: a rider is taking your order {order}. Follow them in the app."}},
      {"order_picked_up",
       kPerson,
       true,
       {"Commande en route", "Okada : le livreur a récupéré votre commande {order}. Il arrive."},
       {"Order on its way", "Okada: the rider picked up your order {order} and is on the way."}},
      {"rider_arriving",
       kPerson,
       true,
       {"Livreur presque là", "Okada : votre livreur arrive. Gardez votre code de livraison à portée de main."},
       {"Rider arriving", "Okada: your rider is almost there. Have your delivery code ready."}},
      {"order_delivered",
       kPerson,
       false,
       {"Commande livrée", "Okada : commande {order} livrée. Merci de votre confiance !"},
       {"Order delivered", "Okada: order {order} delivered. Thank you, see you soon!"}},
      {"order_cancelled",
       kPerson,
       false,
       {"Commande annulée", "Okada : votre commande {order} a été annulée. Si vous avez payé, vous serez remboursé."},
       {"Order cancelled", "Okada: your order {order} was cancelled. If you paid, you will be refunded."}},
      {"order_rejected",
       kPerson,
       false,
       {"Commande refusée",
        "Okada : la boutique ne peut pas servir votre commande {order}. Si vous avez payé, vous "
        "serez remboursé."},
       {"Order declined", "Okada: the store cannot serve your order {order}. If you paid, you will be refunded."}},
      {"payment_failed",
       kPerson,
       false,
       {"Paiement échoué",
        "Okada : le paiement de votre commande {order} n'a pas abouti. Réessayez dans l'application."},
       {"Payment failed", "Okada: the payment for your order {order} did not go through. Try again in the app."}},
      {"payment_refunded",
       kPerson,
       false,
       {"Remboursement", "Okada : {amount} remboursés pour votre commande {order}."},
       {"Refund", "Okada: {amount} refunded for your order {order}."}},
      {"delivery_failed",
       kPerson,
       false,
       {"Livraison impossible", "Okada : nous n'avons pas pu livrer votre commande {order}. Le support vous contacte."},
       {"Delivery failed", "Okada: we could not deliver your order {order}. Support will contact you."}},
      {"new_offer",
       kPush | kInApp,
       true,
       {"Nouvelle course", "Nouvelle course : {fee} pour vous, {distance} jusqu'à la boutique. Répondez vite !"},
       {"New delivery", "New delivery: {fee} for you, {distance} to the store. Answer quickly!"}},
      {"new_store_order",
       kPerson,
       true,
       {"Nouvelle commande", "Okada : nouvelle commande {order} ({total}). Acceptez-la dans votre tableau de bord."},
       {"New order", "Okada: new order {order} ({total}). Accept it in your dashboard."}},
      {"store_order_returned",
       kPush | kInApp | kEmail,
       false,
       {"Commande non livrée", "La commande {order} n'a pas pu être livrée : le livreur la ramène à la boutique."},
       {"Order not delivered", "Order {order} could not be delivered: the rider is bringing it back."}},
      {"otp",
       kSms,
       true,
       {"Code Okada", "Votre code Okada : {code}. Valable 5 minutes. Ne le donnez à personne."},
       {"Okada code", "Your Okada code: {code}. Valid for 5 minutes. Never share it."}},
  };
  return t;
}

const Template* FindTemplate(std::string_view id) {
  for (const Template& t : Templates())
    if (t.id == id) return &t;
  return nullptr;
}

std::vector<Route> RoutesOf(std::string_view type, std::string_view status) {
  using A = Audience;
  if (type == "order.confirmed") return {{A::kCustomer, "order_confirmed"}, {A::kMerchant, "new_store_order"}};
  if (type == "order.accepted") return {{A::kCustomer, "order_accepted"}};
  if (type == "order.cancelled") {
    if (status == "rejected") return {{A::kCustomer, "order_rejected"}};
    if (status == "cancelled") return {{A::kCustomer, "order_cancelled"}};
    return {};  // payment_failed / expired: payment.failed tells the customer
  }
  if (type == "delivery.offered") return {{A::kRider, "new_offer"}};
  if (type == "delivery.assigned") return {{A::kCustomer, "rider_assigned"}};
  if (type == "delivery.picked_up") return {{A::kCustomer, "order_picked_up"}};
  if (type == "delivery.arriving") return {{A::kCustomer, "rider_arriving"}};
  if (type == "delivery.delivered") return {{A::kCustomer, "order_delivered"}};
  if (type == "delivery.failed") return {{A::kCustomer, "delivery_failed"}, {A::kMerchant, "store_order_returned"}};
  if (type == "payment.failed") return {{A::kCustomer, "payment_failed"}};
  if (type == "payment.refunded") return {{A::kCustomer, "payment_refunded"}};
  return {};
}

std::string Render(std::string_view text, const std::map<std::string, std::string>& params) {
  std::string out;
  out.reserve(text.size() + 32);
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      std::size_t close = text.find('}', i);
      if (close != std::string_view::npos) {
        auto it = params.find(std::string(text.substr(i + 1, close - i - 1)));
        if (it != params.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

std::string FormatXaf(std::int64_t amount, std::string_view lang) {
  bool negative = amount < 0;
  std::string digits = std::to_string(negative ? -amount : amount);
  std::string grouped;
  char sep = lang == "en" ? ',' : ' ';
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += sep;
    grouped += digits[i];
  }
  return (negative ? "-" : "") + grouped + " FCFA";
}

std::string ShortOrder(std::string_view public_id) {
  if (public_id.size() < 6) return "#" + std::string(public_id);
  std::string tail(public_id.substr(public_id.size() - 6));
  std::transform(tail.begin(), tail.end(), tail.begin(), [](unsigned char c) { return std::toupper(c); });
  return "#" + tail;
}

int MinuteWat(std::int64_t unix_ms) {
  std::int64_t minutes = unix_ms / 60000 + 60;  // UTC+1
  return static_cast<int>(((minutes % 1440) + 1440) % 1440);
}

bool InQuietHours(int minute, std::optional<int> start, std::optional<int> end) {
  if (!start || !end || *start == *end) return false;
  if (*start < *end) return minute >= *start && minute < *end;
  return minute >= *start || minute < *end;
}

std::int64_t QuietEndMs(std::int64_t now_ms, int end_minute) {
  int now_minute = MinuteWat(now_ms);
  int wait = ((end_minute - now_minute) % 1440 + 1440) % 1440;
  if (wait == 0) wait = 1440;
  std::int64_t start_of_minute = now_ms - now_ms % 60000;
  return start_of_minute + static_cast<std::int64_t>(wait) * 60000;
}

std::int64_t BackoffMs(int attempt, std::int64_t base_ms, double unit) {
  double full = static_cast<double>(base_ms) * static_cast<double>(1LL << std::min(attempt - 1, 20));
  full = std::min(full, 15.0 * 60 * 1000);
  return static_cast<std::int64_t>(full / 2 + unit * full / 2);
}

}  // namespace okada::notifications::domain
